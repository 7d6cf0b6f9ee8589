import { randomInt } from 'crypto';
import { encodeGsm7, encodeUcs2, gsmSeptets, isGsm7 } from './gsm7';

export type SmsEncoding = 'gsm7' | 'ucs2';
export type LongMessageMode = 'udh' | 'payload';

export const UCS2_DATA_CODING = 0x08;
export const ESM_CLASS_UDHI = 0x40;
const IEI_CONCAT_8BIT = 0x00;
/** Length octet, IEI, IE length, reference, total, sequence. */
const UDH_LENGTH = 6;
/** Concatenation references are one octet, so is the part count. */
const MAX_PARTS = 255;

const LIMITS: Record<SmsEncoding, { single: number; part: number; cost: (ch: string) => number }> = {
  gsm7: { single: 160, part: 153, cost: gsmSeptets },
  ucs2: { single: 70, part: 67, cost: (ch) => ch.length },
};

export class MessageTooLong extends Error {
  readonly code = 'MessageTooLong';
  constructor(parts: number) {
    super(`text needs ${parts} SMS parts, at most ${MAX_PARTS} fit one concatenated message`);
  }
}

export function detectEncoding(text: string): SmsEncoding {
  return isGsm7(text) ? 'gsm7' : 'ucs2';
}

/**
 * Splits a text into the pieces each SMS part carries: whole when it fits one SMS (160 septets /
 * 70 UCS-2 units), else at 153 / 67. Iterating by code point keeps a surrogate pair together,
 * and an extension character is one code point costing two septets, so an escape pair is never cut.
 */
export function splitText(text: string, encoding: SmsEncoding = detectEncoding(text)): string[] {
  const { single, part, cost } = LIMITS[encoding];
  let total = 0;
  for (const ch of text) total += cost(ch);
  if (total <= single) return [text];
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of text) {
    const c = cost(ch);
    if (used + c > part) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += c;
  }
  parts.push(current);
  return parts;
}

/** How many SMS the handset receives (and the operator bills) for this text. */
export function countSegments(text: string): number {
  return splitText(text).length;
}

export interface SmsPdu {
  esmClass: number;
  /** UDH (when concatenated) followed by the encoded text. */
  shortMessage: Buffer;
  /** message_payload mode: the whole encoded text, short_message left empty. */
  messagePayload?: Buffer;
}

export interface EncodedSms {
  encoding: SmsEncoding;
  /** The same on every part: a missing or varying data_coding is how texts turn into spaces. */
  dataCoding: number;
  /** Parts as the handset sees them (also in message_payload mode). */
  segments: number;
  /** One submit_sm each. */
  pdus: SmsPdu[];
}

/** A text encoded and split, before each message's concatenation reference: the same for everyone told the same words. */
export interface PreparedSms {
  encoding: SmsEncoding;
  dataCoding: number;
  segments: number;
  /** Whole (one part), the pieces each UDH part carries, or the whole text for message_payload. */
  form: 'single' | 'udh' | 'payload';
  bodies: Buffer[];
}

export interface EncodeOptions {
  /** data_coding the SMSC reads as GSM 7-bit: 0x00 (SMSC default) on most, 0x01 on some. */
  gsmDataCoding: number;
  longMessages: LongMessageMode;
  /** Concatenation reference 0–255; random per message when absent. */
  reference?: number;
}

export function concatUdh(reference: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, IEI_CONCAT_8BIT, 0x03, reference & 0xff, total, seq]);
}

/** Encodes and splits a text (throws MessageTooLong); partPdus then gives one message's parts. */
export function prepareSms(text: string, options: Omit<EncodeOptions, 'reference'>): PreparedSms {
  const encoding = detectEncoding(text);
  const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
  const dataCoding = encoding === 'gsm7' ? options.gsmDataCoding : UCS2_DATA_CODING;
  const pieces = splitText(text, encoding);
  if (pieces.length > MAX_PARTS) throw new MessageTooLong(pieces.length);
  const segments = pieces.length;
  if (segments === 1) return { encoding, dataCoding, segments, form: 'single', bodies: [encode(text)] };
  if (options.longMessages === 'payload') return { encoding, dataCoding, segments, form: 'payload', bodies: [encode(text)] };
  return { encoding, dataCoding, segments, form: 'udh', bodies: pieces.map(encode) };
}

/** One message's submit_sm parts: concatenated ones share a reference, random unless given. */
export function partPdus(sms: PreparedSms, reference = randomInt(256)): SmsPdu[] {
  if (sms.form === 'single') return [{ esmClass: 0, shortMessage: sms.bodies[0] }];
  if (sms.form === 'payload') return [{ esmClass: 0, shortMessage: Buffer.alloc(0), messagePayload: sms.bodies[0] }];
  return sms.bodies.map((body, i) => ({
    esmClass: ESM_CLASS_UDHI,
    shortMessage: Buffer.concat([concatUdh(reference, sms.segments, i + 1), body], UDH_LENGTH + body.length),
  }));
}

/** Everything submit_sm needs to carry one text: encoding, data_coding, and the part PDUs. */
export function encodeSms(text: string, options: EncodeOptions): EncodedSms {
  const sms = prepareSms(text, options);
  return { encoding: sms.encoding, dataCoding: sms.dataCoding, segments: sms.segments, pdus: partPdus(sms, options.reference) };
}

export interface ConcatInfo {
  reference: number;
  total: number;
  seq: number;
}

/** Reads the 8- or 16-bit concatenation element from a UDH (length octet first), if any. */
export function readConcat(udh: Buffer): ConcatInfo | undefined {
  let i = 1;
  while (i + 1 < udh.length) {
    const iei = udh[i];
    const len = udh[i + 1];
    if (i + 2 + len > udh.length) return undefined; // an element running past the header: not one to trust
    const body = udh.subarray(i + 2, i + 2 + len);
    if (iei === 0x00 && len === 3) return { reference: body[0], total: body[1], seq: body[2] };
    if (iei === 0x08 && len === 4) return { reference: body.readUInt16BE(0), total: body[2], seq: body[3] };
    i += 2 + len;
  }
  return undefined;
}

/** Splits short_message into UDH and text bytes when esm_class says a UDH is present. */
export function splitUdh(shortMessage: Buffer, esmClass: number): { udh?: Buffer; body: Buffer } {
  if (!(esmClass & ESM_CLASS_UDHI) || shortMessage.length === 0) return { body: shortMessage };
  const udhLength = shortMessage[0] + 1;
  return { udh: shortMessage.subarray(0, udhLength), body: shortMessage.subarray(udhLength) };
}
