import type { SmppAddress } from './sms-addresses';

/**
 * Our own submit_sm encoder for the sending hot path (SMPP 3.4, 4.4.1): the `smpp` package builds
 * a PDU object, runs its field filters and sizes every field by name for each part, which was a
 * large part of the worker's CPU per text. The bytes are the package's own (submit-sm.spec.ts
 * compares them over generated parts and reads them back with a decoder written from the spec);
 * binds, responses, receipts and everything else still go through the package.
 */

/** What the engine puts in one submit_sm; everything else is the spec's default (empty / 0). */
export interface SubmitSm {
  source: SmppAddress;
  dest: SmppAddress;
  esmClass: number;
  registeredDelivery: number;
  /** Relative or absolute SMPP time, 16 characters, or '' for the SMSC's default. */
  validityPeriod: string;
  dataCoding: number;
  /** At most 254 octets (sm_length is one octet; 255 is reserved). */
  shortMessage: Buffer;
  /** The message_payload TLV (0x0424), written only when present. */
  messagePayload?: Buffer;
}

export const SUBMIT_SM = 0x00000004;
export const TAG_MESSAGE_PAYLOAD = 0x0424;
/** command_length, command_id, command_status, sequence_number: the octets every PDU starts with. */
export const PDU_HEADER = 16;
const MAX_SHORT_MESSAGE = 254;
const MAX_TLV_VALUE = 0xffff;

export class InvalidSubmitSm extends Error {
  readonly code = 'InvalidSubmitSm';
  constructor(field: string, problem: string) {
    super(`submit_sm ${field}: ${problem}`);
  }
}

function octet(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new InvalidSubmitSm(field, `${value} is not an octet`);
}

/** SMPP 3.4 addresses are C-octet strings of at most 21 octets, the NUL included. */
function address(field: string, addr: string): void {
  if (!/^[\x20-\x7e]{0,20}$/.test(addr)) throw new InvalidSubmitSm(field, 'must be at most 20 printable ASCII characters');
}

/** Octets the PDU takes, command_length included; throws InvalidSubmitSm naming the field that cannot be encoded. */
export function submitSmLength(m: SubmitSm): number {
  octet('source_addr_ton', m.source.ton);
  octet('source_addr_npi', m.source.npi);
  octet('dest_addr_ton', m.dest.ton);
  octet('dest_addr_npi', m.dest.npi);
  octet('esm_class', m.esmClass);
  octet('registered_delivery', m.registeredDelivery);
  octet('data_coding', m.dataCoding);
  address('source_addr', m.source.addr);
  address('destination_addr', m.dest.addr);
  if (!/^(\d{15}[-+R])?$/.test(m.validityPeriod)) throw new InvalidSubmitSm('validity_period', 'must be an SMPP time (YYMMDDhhmmsstnnp) or empty');
  if (m.shortMessage.length > MAX_SHORT_MESSAGE) throw new InvalidSubmitSm('short_message', `${m.shortMessage.length} octets, at most ${MAX_SHORT_MESSAGE}`);
  if (m.messagePayload && m.messagePayload.length > MAX_TLV_VALUE) throw new InvalidSubmitSm('message_payload', `${m.messagePayload.length} octets, at most ${MAX_TLV_VALUE}`);
  // service_type, source ton/npi, dest ton/npi, esm_class, protocol_id, priority_flag, schedule_delivery_time,
  // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id, sm_length: one octet each.
  const fixed = 14;
  const strings = m.source.addr.length + 1 + m.dest.addr.length + 1 + m.validityPeriod.length + 1;
  const tlv = m.messagePayload ? 4 + m.messagePayload.length : 0;
  return PDU_HEADER + fixed + strings + m.shortMessage.length + tlv;
}

/**
 * Writes the whole PDU at `offset` and returns the offset after it. `length` is submitSmLength(m),
 * which checks every field first, so nothing half-written is left by a bad one; room for it is
 * the caller's to give. Addresses and times are ASCII, one octet a character.
 */
export function writeSubmitSm(m: SubmitSm, sequence: number, length: number, out: Buffer, offset: number): number {
  let o = offset;
  o = out.writeUInt32BE(length, o);
  o = out.writeUInt32BE(SUBMIT_SM, o);
  o = out.writeUInt32BE(0, o);
  o = out.writeUInt32BE(sequence, o);
  out[o++] = 0; // service_type ''
  out[o++] = m.source.ton;
  out[o++] = m.source.npi;
  o += out.write(m.source.addr, o, 'latin1');
  out[o++] = 0;
  out[o++] = m.dest.ton;
  out[o++] = m.dest.npi;
  o += out.write(m.dest.addr, o, 'latin1');
  out[o++] = 0;
  out[o++] = m.esmClass;
  out[o++] = 0; // protocol_id
  out[o++] = 0; // priority_flag
  out[o++] = 0; // schedule_delivery_time '': immediately
  o += out.write(m.validityPeriod, o, 'latin1');
  out[o++] = 0;
  out[o++] = m.registeredDelivery;
  out[o++] = 0; // replace_if_present_flag
  out[o++] = m.dataCoding;
  out[o++] = 0; // sm_default_msg_id
  out[o++] = m.shortMessage.length;
  o += m.shortMessage.copy(out, o);
  if (m.messagePayload) {
    o = out.writeUInt16BE(TAG_MESSAGE_PAYLOAD, o);
    o = out.writeUInt16BE(m.messagePayload.length, o);
    o += m.messagePayload.copy(out, o);
  }
  return o;
}

/** The PDU in a buffer of its own (tests, tools); the session writes into its shared output instead. */
export function encodeSubmitSm(m: SubmitSm, sequence: number): Buffer {
  const length = submitSmLength(m);
  const out = Buffer.allocUnsafe(length);
  writeSubmitSm(m, sequence, length, out, 0);
  return out;
}
