/**
 * Our declarations for the parts of the `smpp` package (0.5.x, untyped) that we use.
 * PDU fields keep the package's snake_case names, which are the SMPP spec's names.
 */
declare module 'smpp' {
  import { EventEmitter } from 'events';
  import { Server as NetServer, Socket } from 'net';

  /** What the package makes of short_message / message_payload on decode. */
  export interface DecodedMessage {
    message: string | Buffer;
    udh?: Buffer[];
  }

  export interface PduFields {
    sequence_number?: number;
    command_status?: number;
    system_id?: string;
    password?: string;
    system_type?: string;
    interface_version?: number;
    addr_ton?: number;
    addr_npi?: number;
    address_range?: string;
    service_type?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    protocol_id?: number;
    priority_flag?: number;
    validity_period?: string;
    registered_delivery?: number;
    data_coding?: number;
    /** A Buffer is written as is; a string would be re-encoded by the package (do not). */
    short_message?: Buffer | DecodedMessage;
    message_payload?: Buffer | DecodedMessage;
    message_id?: string;
    receipted_message_id?: string;
    message_state?: number;
    network_error_code?: Buffer;
  }

  export class PDU implements PduFields {
    /** A command to encode, or a whole PDU to decode. */
    constructor(command: string | Buffer, options?: PduFields);
    command: string;
    command_id: number;
    command_length: number;
    command_status: number;
    sequence_number: number;
    system_id?: string;
    password?: string;
    system_type?: string;
    interface_version?: number;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    registered_delivery?: number;
    validity_period?: string;
    data_coding?: number;
    short_message?: Buffer | DecodedMessage;
    message_payload?: Buffer | DecodedMessage;
    message_id?: string;
    receipted_message_id?: string;
    message_state?: number;
    network_error_code?: Buffer;
    isResponse(): boolean;
    response(options?: PduFields): PDU;
    toBuffer(): Buffer;
  }

  export interface SessionOptions {
    host?: string;
    port?: number;
    socket?: Socket;
  }

  /**
   * A socket with a PDU codec. Emits 'connect', 'pdu' (every PDU), '<command>', 'error'
   * (socket errors and PDUs it cannot parse, after which it reads nothing more) and 'close'.
   */
  export class Session extends EventEmitter {
    constructor(options: SessionOptions);
    readonly socket: Socket;
    server?: Server;
    /** Writes the PDU; numbers it when sequence_number is 0. False, and nothing written, when the socket is not writable. */
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: { host: string; port: number }, listener?: () => void): Session;
  export function createServer(options: object, listener?: (session: Session) => void): Server;
}
