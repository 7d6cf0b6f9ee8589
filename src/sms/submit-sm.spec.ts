import fc from 'fast-check';
import { PDU, PduFields } from 'smpp';
import { decodeGsm7 } from './gsm7';
import { partPdus, prepareSms, readConcat, UCS2_DATA_CODING } from './segmentation';
import { destinationAddress, relativeValidity, SmppAddress, sourceAddress } from './sms-addresses';
import { toSubmitSm } from './sms.adapter';
import { encodeSubmitSm, InvalidSubmitSm, submitSmLength, SubmitSm, writeSubmitSm } from './submit-sm';

/** What the `smpp` package writes for the same part: the reference our encoder must match octet for octet. */
function packageBytes(m: SubmitSm, sequence: number): Buffer {
  const fields: PduFields = {
    sequence_number: sequence,
    source_addr_ton: m.source.ton,
    source_addr_npi: m.source.npi,
    source_addr: m.source.addr,
    dest_addr_ton: m.dest.ton,
    dest_addr_npi: m.dest.npi,
    destination_addr: m.dest.addr,
    esm_class: m.esmClass,
    registered_delivery: m.registeredDelivery,
    validity_period: m.validityPeriod,
    data_coding: m.dataCoding,
    short_message: m.shortMessage,
  };
  if (m.messagePayload) fields.message_payload = m.messagePayload;
  return new PDU('submit_sm', fields).toBuffer();
}

interface Decoded {
  commandLength: number;
  commandId: number;
  commandStatus: number;
  sequence: number;
  serviceType: string;
  source: SmppAddress;
  dest: SmppAddress;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresent: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
  tlvs: Map<number, Buffer>;
}

/** A submit_sm reader written from SMPP 3.4 §3.2 (header), §4.4.1 (body) and §5.3 (TLVs), not the package's parser. */
function decodeSubmitSm(pdu: Buffer): Decoded {
  let o = 0;
  const u8 = () => {
    if (o >= pdu.length) throw new Error(`PDU ends at octet ${o}`);
    return pdu[o++];
  };
  const u16 = () => (u8() << 8) | u8();
  const u32 = () => ((u16() << 16) | u16()) >>> 0;
  /** C-Octet String: ASCII up to a NUL, at most `max` octets with the NUL (§3.1). */
  const cstring = (max: number) => {
    const start = o;
    while (u8() !== 0) if (o - start >= max) throw new Error(`C-octet string at ${start} longer than ${max}`);
    return pdu.toString('latin1', start, o - 1);
  };
  const d = {} as Decoded;
  d.commandLength = u32();
  d.commandId = u32();
  d.commandStatus = u32();
  d.sequence = u32();
  d.serviceType = cstring(6);
  d.source = { ton: u8(), npi: u8(), addr: cstring(21) };
  d.dest = { ton: u8(), npi: u8(), addr: cstring(21) };
  d.esmClass = u8();
  d.protocolId = u8();
  d.priorityFlag = u8();
  d.scheduleDeliveryTime = cstring(17);
  d.validityPeriod = cstring(17);
  d.registeredDelivery = u8();
  d.replaceIfPresent = u8();
  d.dataCoding = u8();
  d.smDefaultMsgId = u8();
  const smLength = u8();
  d.shortMessage = pdu.subarray(o, o + smLength);
  o += smLength;
  d.tlvs = new Map();
  while (o < d.commandLength) {
    const tag = u16();
    const length = u16();
    d.tlvs.set(tag, pdu.subarray(o, o + length));
    o += length;
  }
  if (o !== pdu.length || d.commandLength !== pdu.length) throw new Error(`command_length ${d.commandLength}, read ${o}, PDU of ${pdu.length}`);
  return d;
}

/** The text an octet string carries, by data_coding: UCS-2 big-endian, else unpacked GSM 03.38. */
function textOf(bytes: Buffer, dataCoding: number): string {
  return dataCoding === UCS2_DATA_CODING ? new TextDecoder('utf-16be').decode(bytes) : decodeGsm7(bytes);
}

const gsmChars = fc.constantFrom(...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà^{}\\[~]|€\f'.split(''));
const otherChars = fc.constantFrom('Я', 'ё', 'Ж', 'щ', '😀', '中', 'ğ', '\u00a0', '—');
/** GSM-only texts (with extension characters), and ones with Cyrillic or emoji that force UCS-2; from one part to a dozen. */
const texts = fc.oneof(
  fc.array(gsmChars, { minLength: 1, maxLength: 1000 }).map((cs) => cs.join('')),
  fc.array(fc.oneof(gsmChars, otherChars), { minLength: 1, maxLength: 500 }).map((cs) => cs.join('')),
);
const senders = fc.oneof(
  fc.stringMatching(/^\+?[0-9]{1,20}$/),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .-]{0,10}$/).filter((s) => s.trim().length > 0),
);
const recipients = fc.stringMatching(/^\+[1-9][0-9]{6,14}$/);
const sequences = fc.integer({ min: 1, max: 0x7fffffff });

describe(encodeSubmitSm.name, () => {
  it('should write the same octets as the smpp package and read back through a spec decoder for every part the engine sends', () => {
    fc.assert(
      fc.property(
        texts, senders, recipients, fc.constantFrom(0x00, 0x01), fc.constantFrom('udh' as const, 'payload' as const),
        fc.integer({ min: 1, max: 99 * 1440 }), fc.integer({ min: 0, max: 255 }), sequences,
        (text, sender, recipient, gsmDataCoding, longMessages, validityMinutes, reference, firstSequence) => {
          const sms = prepareSms(text, { gsmDataCoding, longMessages });
          const source = sourceAddress(sender);
          const dest = destinationAddress(recipient)!;
          const validity = relativeValidity(validityMinutes);
          const parts = partPdus(sms, reference).map((p) => toSubmitSm(source, dest, validity, sms.dataCoding, p));
          let reassembled = '';
          parts.forEach((part, i) => {
            const sequence = ((firstSequence - 1 + i) % 0x7fffffff) + 1;
            const ours = encodeSubmitSm(part, sequence);
            expect(ours.equals(packageBytes(part, sequence))).toBe(true);

            const d = decodeSubmitSm(ours);
            expect(d).toMatchObject({
              commandId: 0x00000004, commandStatus: 0, sequence, serviceType: '', source, dest, protocolId: 0, priorityFlag: 0,
              scheduleDeliveryTime: '', validityPeriod: validity, registeredDelivery: 1, replaceIfPresent: 0, dataCoding: sms.dataCoding, smDefaultMsgId: 0,
            });
            if (sms.form === 'payload') {
              expect(d.shortMessage.length).toBe(0);
              expect([...d.tlvs.keys()]).toEqual([0x0424]);
              reassembled += textOf(d.tlvs.get(0x0424)!, d.dataCoding);
            } else if (sms.form === 'udh') {
              expect(d.esmClass & 0x40).toBe(0x40);
              const udhLength = d.shortMessage[0] + 1;
              expect(readConcat(d.shortMessage.subarray(0, udhLength))).toEqual({ reference, total: parts.length, seq: i + 1 });
              expect(d.tlvs.size).toBe(0);
              reassembled += textOf(d.shortMessage.subarray(udhLength), d.dataCoding);
            } else {
              expect(d.esmClass).toBe(0);
              expect(d.tlvs.size).toBe(0);
              reassembled += textOf(d.shortMessage, d.dataCoding);
            }
          });
          expect(reassembled).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should write the same octets as the smpp package for any field values it accepts', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const address = fc.record({ ton: octet, npi: octet, addr: fc.stringMatching(/^[\x20-\x7e]{0,20}$/) });
    const part = fc.record(
      {
        source: address,
        dest: address,
        esmClass: octet,
        registeredDelivery: octet,
        validityPeriod: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{15}[-+R]$/)),
        dataCoding: octet,
        shortMessage: fc.uint8Array({ maxLength: 254 }).map((a) => Buffer.from(a)),
        messagePayload: fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
      },
      { requiredKeys: ['source', 'dest', 'esmClass', 'registeredDelivery', 'validityPeriod', 'dataCoding', 'shortMessage'] },
    );
    fc.assert(
      fc.property(part, sequences, (m, sequence) => {
        const ours = encodeSubmitSm(m, sequence);
        expect(ours.equals(packageBytes(m, sequence))).toBe(true);
        const d = decodeSubmitSm(ours);
        expect(d).toMatchObject({ sequence, source: m.source, dest: m.dest, esmClass: m.esmClass, dataCoding: m.dataCoding, validityPeriod: m.validityPeriod });
        expect(d.shortMessage.equals(m.shortMessage)).toBe(true);
        expect(d.tlvs.get(0x0424)).toEqual(m.messagePayload);
      }),
      { numRuns: 1000 },
    );
  });

  it('should leave the octets around a PDU written into a shared buffer untouched', () => {
    const m: SubmitSm = {
      source: sourceAddress('Outages'), dest: destinationAddress('+79131234567')!, esmClass: 0, registeredDelivery: 1,
      validityPeriod: relativeValidity(360), dataCoding: 0, shortMessage: Buffer.from('hello'),
    };
    const length = submitSmLength(m);
    const out = Buffer.alloc(length + 20, 0xee);
    expect(writeSubmitSm(m, 7, length, out, 10)).toBe(10 + length);
    expect(out.subarray(10, 10 + length).equals(packageBytes(m, 7))).toBe(true);
    expect([...out.subarray(0, 10), ...out.subarray(10 + length)].every((b) => b === 0xee)).toBe(true);
  });

  it.each([
    ['destination_addr', { dest: { ton: 1, npi: 1, addr: '7'.repeat(21) } }],
    ['destination_addr', { dest: { ton: 1, npi: 1, addr: '7913\u00001234567' } }],
    ['source_addr', { source: { ton: 5, npi: 0, addr: 'Отключения' } }],
    ['data_coding', { dataCoding: 256 }],
    ['esm_class', { esmClass: -1 }],
    ['validity_period', { validityPeriod: '360' }],
    ['short_message', { shortMessage: Buffer.alloc(255) }],
    ['message_payload', { messagePayload: Buffer.alloc(0x10000) }],
  ])('should refuse a part naming %s when it cannot be encoded', (field, change) => {
    const m: SubmitSm = {
      source: sourceAddress('Outages'), dest: destinationAddress('+79131234567')!, esmClass: 0, registeredDelivery: 1,
      validityPeriod: relativeValidity(360), dataCoding: 0, shortMessage: Buffer.from('hello'), ...change,
    };
    expect(() => encodeSubmitSm(m, 1)).toThrow(InvalidSubmitSm);
    expect(() => encodeSubmitSm(m, 1)).toThrow(`submit_sm ${field}:`);
  });
});
