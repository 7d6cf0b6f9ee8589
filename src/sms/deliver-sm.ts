/**
 * Our own deliver_sm reader and deliver_sm_resp writer for the receive hot path (SMPP 3.4, 4.6.1
 * and 4.6.2): the `smpp` package builds a PDU object per receipt, reads every field by name, runs
 * its filters (two times parsed into Dates, the text decoded) and builds the answer as another
 * PDU, which was about a fifth of the worker's busy time while applying receipts. This reads only
 * what toInboundSms needs, in place; deliver-sm.spec.ts compares it with the package over PDUs the
 * package encodes. Every other PDU of the receive side still goes through the package.
 */

import { PDU_HEADER, TAG_MESSAGE_PAYLOAD } from './submit-sm';

/** A deliver_sm as the receive path needs it; the buffers are views of the PDU's octets. */
export interface DeliverSm {
  sourceAddrTon: number;
  sourceAddr: string;
  destAddrTon: number;
  destinationAddr: string;
  esmClass: number;
  dataCoding: number;
  shortMessage: Buffer;
  /** TLV 0x0424: the text instead of short_message. */
  messagePayload?: Buffer;
  /** TLV 0x001E: the id of the part a receipt is about. */
  receiptedMessageId?: string;
  /** TLV 0x0427. */
  messageState?: number;
  /** TLV 0x0423: network type, then the error code in two octets. */
  networkErrorCode?: Buffer;
}

export const DELIVER_SM = 0x00000005;
export const DELIVER_SM_RESP = 0x80000005;
const TAG_RECEIPTED_MESSAGE_ID = 0x001e;
const TAG_NETWORK_ERROR_CODE = 0x0423;
const TAG_MESSAGE_STATE = 0x0427;

export class InvalidDeliverSm extends Error {
  readonly code = 'InvalidDeliverSm';
  constructor(field: string, problem: string) {
    super(`deliver_sm ${field}: ${problem}`);
  }
}

/**
 * Reads one whole deliver_sm (its command_length octets, header included). Throws InvalidDeliverSm
 * naming the field when the PDU ends inside one, a C-octet string has no NUL, or a TLV runs past
 * the end; unknown TLVs are skipped, a repeated one is read as its last.
 */
export function decodeDeliverSm(pdu: Buffer): DeliverSm {
  const end = pdu.length;
  let o = PDU_HEADER;
  const octet = (field: string): number => {
    if (o >= end) throw new InvalidDeliverSm(field, `the PDU ends at octet ${end}`);
    return pdu[o++];
  };
  const nulOf = (field: string): number => {
    const nul = pdu.indexOf(0, o);
    if (nul < 0) throw new InvalidDeliverSm(field, `no NUL before the end of the PDU (octet ${end})`);
    return nul;
  };
  const cString = (field: string): string => {
    const nul = nulOf(field);
    const s = pdu.toString('ascii', o, nul);
    o = nul + 1;
    return s;
  };
  const skipCString = (field: string): void => {
    o = nulOf(field) + 1;
  };

  if (end < PDU_HEADER) throw new InvalidDeliverSm('header', `${end} octets, a header is ${PDU_HEADER}`);
  skipCString('service_type');
  const sourceAddrTon = octet('source_addr_ton');
  octet('source_addr_npi');
  const sourceAddr = cString('source_addr');
  const destAddrTon = octet('dest_addr_ton');
  octet('dest_addr_npi');
  const destinationAddr = cString('destination_addr');
  const esmClass = octet('esm_class');
  octet('protocol_id');
  octet('priority_flag');
  skipCString('schedule_delivery_time');
  skipCString('validity_period');
  octet('registered_delivery');
  octet('replace_if_present_flag');
  const dataCoding = octet('data_coding');
  octet('sm_default_msg_id');
  const smLength = octet('sm_length');
  if (o + smLength > end) throw new InvalidDeliverSm('short_message', `sm_length ${smLength} runs past the end of the PDU (octet ${end})`);
  const d: DeliverSm = { sourceAddrTon, sourceAddr, destAddrTon, destinationAddr, esmClass, dataCoding, shortMessage: pdu.subarray(o, o + smLength) };
  o += smLength;

  while (o < end) {
    if (end - o < 4) throw new InvalidDeliverSm('TLV', `${end - o} octet(s) left at octet ${o}, a TLV header is 4`);
    const tag = pdu.readUInt16BE(o);
    const length = pdu.readUInt16BE(o + 2);
    const value = o + 4;
    o = value + length;
    if (o > end) throw new InvalidDeliverSm(tlvName(tag), `length ${length} runs past the end of the PDU (octet ${end})`);
    switch (tag) {
      case TAG_RECEIPTED_MESSAGE_ID: {
        // A C-octet string, but SMSCs are known to leave out its NUL: the value ends at either.
        const nul = pdu.indexOf(0, value);
        d.receiptedMessageId = pdu.toString('ascii', value, nul >= 0 && nul < o ? nul : o);
        break;
      }
      case TAG_MESSAGE_STATE:
        if (length !== 1) throw new InvalidDeliverSm('message_state', `length ${length}, it is one octet`);
        d.messageState = pdu[value];
        break;
      case TAG_NETWORK_ERROR_CODE:
        d.networkErrorCode = pdu.subarray(value, o);
        break;
      case TAG_MESSAGE_PAYLOAD:
        d.messagePayload = pdu.subarray(value, o);
        break;
    }
  }
  return d;
}

function tlvName(tag: number): string {
  const hex = `TLV 0x${tag.toString(16).padStart(4, '0')}`;
  const name = {
    [TAG_RECEIPTED_MESSAGE_ID]: 'receipted_message_id',
    [TAG_NETWORK_ERROR_CODE]: 'network_error_code',
    [TAG_MESSAGE_PAYLOAD]: 'message_payload',
    [TAG_MESSAGE_STATE]: 'message_state',
  }[tag];
  return name ? `${name} (${hex})` : hex;
}

/** Octets of a deliver_sm_resp: an empty message_id after the header, no body at all when refused (as the package writes it). */
export function deliverSmRespLength(commandStatus: number): number {
  return commandStatus === 0 ? PDU_HEADER + 1 : PDU_HEADER;
}

/** Writes the deliver_sm_resp at `offset` (room for deliverSmRespLength octets is the caller's to give); returns the offset after it. */
export function writeDeliverSmResp(sequence: number, commandStatus: number, out: Buffer, offset: number): number {
  const length = deliverSmRespLength(commandStatus);
  out.writeUInt32BE(length, offset);
  out.writeUInt32BE(DELIVER_SM_RESP, offset + 4);
  out.writeUInt32BE(commandStatus, offset + 8);
  out.writeUInt32BE(sequence, offset + 12);
  if (length > PDU_HEADER) out[offset + PDU_HEADER] = 0; // message_id '' (SMPP 3.4: unused, set to NULL)
  return offset + length;
}
