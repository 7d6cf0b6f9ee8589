import fc from 'fast-check';
import { DecodedMessage, PDU, PduFields } from 'smpp';
import { decodeDeliverSm, deliverSmRespLength, InvalidDeliverSm, writeDeliverSmResp } from './deliver-sm';
import { formatReceiptText } from './delivery-receipt';
import { encodeGsm7, encodeUcs2 } from './gsm7';
import { deliverText } from './inbound';
import { ConcatInfo } from './segmentation';

const decodeWithPackage = (bytes: Buffer) => new (PDU as unknown as new (b: Buffer) => PDU)(bytes);

/** The text and concatenation the package's decoding gives (how toInboundSms read it before our reader). */
function packageText(p: PDU): { text: string; concat?: ConcatInfo } {
  const read = (v: Buffer | DecodedMessage | undefined) =>
    !v || Buffer.isBuffer(v) ? { text: '' } : { text: typeof v.message === 'string' ? v.message : v.message.toString('latin1'), udh: v.udh };
  const short = read(p.short_message);
  const payload = read(p.message_payload);
  const { text, udh } = payload.text ? payload : short;
  for (const ie of udh ?? []) {
    if (ie[0] === 0x00 && ie[1] === 3) return { text, concat: { reference: ie[2], total: ie[3], seq: ie[4] } };
    if (ie[0] === 0x08 && ie[1] === 4) return { text, concat: { reference: ie.readUInt16BE(2), total: ie[4], seq: ie[5] } };
  }
  return { text, concat: undefined };
}

const octet = fc.integer({ min: 0, max: 255 });
const gsmChars = fc.constantFrom(...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà^{}\\[~]|€\f'.split(''));
const anyChars = fc.oneof(gsmChars, fc.constantFrom('Я', 'ё', 'Ж', 'щ', '😀', '中', 'ğ', '\u00a0', '—'));
const receiptTexts = fc
  .record({ id: fc.stringMatching(/^[0-9A-F]{1,20}$/), stat: fc.constantFrom('DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'ENROUTE'), err: fc.stringMatching(/^[0-9]{3}$/) })
  .map((r) => formatReceiptText({ ...r, submitDate: '2612031545', doneDate: '2612031546', text: 'Power is back' }));
/** A text with the data_coding that carries it: GSM 7-bit, UCS-2, Latin-1, or octets the package leaves undecoded. */
const bodies = fc.oneof(
  fc.tuple(fc.oneof(receiptTexts, fc.array(gsmChars, { minLength: 1, maxLength: 150 }).map((cs) => cs.join(''))), fc.constantFrom(0x00, 0x01, 0xf0))
    .map(([text, dataCoding]) => ({ bytes: encodeGsm7(text), dataCoding })),
  fc.tuple(fc.oneof(receiptTexts, fc.array(anyChars, { minLength: 1, maxLength: 60 }).map((cs) => cs.join(''))), fc.constantFrom(0x08, 0x18))
    .map(([text, dataCoding]) => ({ bytes: encodeUcs2(text), dataCoding })),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 140 }), fc.constantFrom(0x03, 0x04, 0x02))
    .map(([bytes, dataCoding]) => ({ bytes: Buffer.from(bytes), dataCoding })),
);
/** A UDH: 8- or 16-bit concatenation, maybe after an application port element. */
const udhs = fc
  .tuple(fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 255 }), octet)
  .map(([wide, port, reference, total, seq]) => {
    const ports = port ? [0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0] : [];
    const concat = wide ? [0x08, 0x04, reference >> 8, reference & 0xff, total, seq] : [0x00, 0x03, reference & 0xff, total, seq];
    return Buffer.from([ports.length + concat.length, ...ports, ...concat]);
  });
const addresses = fc.stringMatching(/^[\x20-\x7e]{0,20}$/);
const deliverFields = fc
  .record({
    service_type: fc.constantFrom('', 'CMT', 'WAP'),
    source_addr_ton: octet, source_addr_npi: octet, source_addr: addresses,
    dest_addr_ton: octet, dest_addr_npi: octet, destination_addr: addresses,
    esm_class: fc.constantFrom(0x00, 0x04, 0x08, 0x20, 0x80),
    protocol_id: octet, priority_flag: octet, registered_delivery: octet, replace_if_present_flag: octet, sm_default_msg_id: octet,
    validity_period: fc.constantFrom('', '261203154500000+', '000001000000000R'),
    body: bodies,
    udh: fc.option(udhs, { nil: undefined }),
    inPayload: fc.boolean(),
    receipted_message_id: fc.option(fc.stringMatching(/^[0-9A-Fa-f]{1,64}$/), { nil: undefined }),
    message_state: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    network_error_code: fc.option(fc.uint8Array({ minLength: 3, maxLength: 3 }).map((a) => Buffer.from(a)), { nil: undefined }),
    user_message_reference: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }), // a TLV the package knows and we skip
  })
  .map(({ body, udh, inPayload, ...f }): PduFields => {
    const message = udh ? Buffer.concat([udh, body.bytes]) : body.bytes;
    const fields: PduFields & Record<string, unknown> = { ...f, data_coding: body.dataCoding, esm_class: f.esm_class | (udh ? 0x40 : 0) };
    for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
    if (inPayload || message.length > 254) return { ...fields, short_message: Buffer.alloc(0), message_payload: message };
    return { ...fields, short_message: message };
  });
/** TLVs neither we nor the package know (vendor tags), appended to a PDU. */
const vendorTlvs = fc
  .array(fc.tuple(fc.integer({ min: 0x1400, max: 0x3fff }), fc.uint8Array({ maxLength: 40 })), { maxLength: 3 })
  .map((tlvs) => Buffer.concat(tlvs.map(([tag, value]) => {
    const tlv = Buffer.alloc(4 + value.length);
    tlv.writeUInt16BE(tag, 0);
    tlv.writeUInt16BE(value.length, 2);
    Buffer.from(value).copy(tlv, 4);
    return tlv;
  })));

function withTlvs(pdu: Buffer, tlvs: Buffer): Buffer {
  const out = Buffer.concat([pdu, tlvs]);
  out.writeUInt32BE(out.length, 0);
  return out;
}

describe(decodeDeliverSm.name, () => {
  it('should read every field the receive path uses as the smpp package does, for receipts and replies the package encoded', () => {
    fc.assert(
      fc.property(deliverFields, vendorTlvs, fc.integer({ min: 1, max: 0x7fffffff }), (given, vendor, sequence) => {
        const bytes = withTlvs(new PDU('deliver_sm', { ...given, sequence_number: sequence }).toBuffer(), vendor);
        const theirs = decodeWithPackage(bytes);

        const sut = decodeDeliverSm(bytes);

        const { shortMessage, messagePayload, ...fields } = sut;
        expect(fields).toEqual({
          sourceAddrTon: theirs.source_addr_ton, sourceAddr: theirs.source_addr,
          destAddrTon: theirs.dest_addr_ton, destinationAddr: theirs.destination_addr,
          esmClass: theirs.esm_class, dataCoding: theirs.data_coding,
          receiptedMessageId: theirs.receipted_message_id, messageState: theirs.message_state, networkErrorCode: theirs.network_error_code,
        });
        expect(shortMessage).toEqual(given.short_message);
        expect(messagePayload).toEqual(given.message_payload);
        expect(deliverText(sut)).toEqual(packageText(theirs));
      }),
      { numRuns: 1000 },
    );
  });

  it('should read a receipted_message_id sent without its NUL, as some SMSCs send it', () => {
    const pdu = withTlvs(new PDU('deliver_sm', { esm_class: 0x04, short_message: Buffer.alloc(0), message_state: 2 }).toBuffer(), Buffer.from([0x00, 0x1e, 0x00, 0x04, ...Buffer.from('0A1F')]));
    expect(decodeDeliverSm(pdu)).toMatchObject({ receiptedMessageId: '0A1F', messageState: 2 });
  });

  // service_type 'CMT', the addresses '79131234567' and 'Outages', both times empty, short_message 'hello', no TLVs.
  const whole = new PDU('deliver_sm', { service_type: 'CMT', source_addr: '79131234567', destination_addr: 'Outages', short_message: Buffer.from('hello') }).toBuffer();
  const layout: Array<[string, number]> = [
    ['service_type', 4], ['source_addr_ton', 1], ['source_addr_npi', 1], ['source_addr', 12], ['dest_addr_ton', 1], ['dest_addr_npi', 1],
    ['destination_addr', 8], ['esm_class', 1], ['protocol_id', 1], ['priority_flag', 1], ['schedule_delivery_time', 1], ['validity_period', 1],
    ['registered_delivery', 1], ['replace_if_present_flag', 1], ['data_coding', 1], ['sm_default_msg_id', 1], ['sm_length', 1], ['short_message', 5],
  ];

  it('should refuse a PDU that ends inside a field, naming that field, wherever it is cut', () => {
    expect(16 + layout.reduce((n, [, size]) => n + size, 0)).toBe(whole.length);
    let at = 16;
    for (const [field, size] of layout) {
      for (let cut = at; cut < at + size; cut++) {
        const truncated = Buffer.from(whole.subarray(0, cut));
        truncated.writeUInt32BE(cut, 0);
        expect(() => decodeDeliverSm(truncated)).toThrow(InvalidDeliverSm);
        expect(() => decodeDeliverSm(truncated)).toThrow(new RegExp(`^deliver_sm ${field}: `));
      }
      at += size;
    }
  });

  it.each([
    ['a C-octet string without its NUL', Buffer.from('CMT'), /^deliver_sm service_type: no NUL before the end of the PDU/],
    ['sm_length past the end', Buffer.from([...Buffer.alloc(16), 200, 1, 2]), /^deliver_sm short_message: sm_length 200 runs past the end/],
  ])('should refuse %s, naming the field', (_case, body, message) => {
    expect(() => decodeDeliverSm(withTlvs(whole.subarray(0, 16), body))).toThrow(message);
  });

  it.each([
    ['message_payload running past the end', [0x04, 0x24, 0x01, 0x2c, 1, 2, 3], /^deliver_sm message_payload \(TLV 0x0424\): length 300 runs past the end of the PDU/],
    ['a vendor TLV running past the end', [0x14, 0x01, 0x00, 0x05, 1], /^deliver_sm TLV 0x1401: length 5 runs past/],
    ['a TLV header cut short', [0x04, 0x27], /^deliver_sm TLV: 2 octet\(s\) left at octet \d+, a TLV header is 4/],
    ['message_state of two octets', [0x04, 0x27, 0x00, 0x02, 0, 2], /^deliver_sm message_state: length 2, it is one octet/],
  ])('should refuse %s, naming the TLV', (_case, tlv, message) => {
    expect(() => decodeDeliverSm(withTlvs(whole, Buffer.from(tlv)))).toThrow(message);
  });
});

describe(writeDeliverSmResp.name, () => {
  it("should write the package's deliver_sm_resp octet for octet, accepted or refused, and nothing around it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), fc.constantFrom(0x00, 0x08, 0x14, 0x58, 0x64), fc.integer({ min: 0, max: 40 }), (sequence, status, at) => {
        const request = decodeWithPackage(new PDU('deliver_sm', { sequence_number: sequence, esm_class: 0x04, short_message: Buffer.from('id:1 stat:DELIVRD') }).toBuffer());
        const theirs = request.response(status ? { command_status: status } : {}).toBuffer();
        const out = Buffer.alloc(at + 17 + 8, 0xee);

        const end = writeDeliverSmResp(sequence, status, out, at);

        expect(end - at).toBe(deliverSmRespLength(status));
        expect(out.subarray(at, end).equals(theirs)).toBe(true);
        expect([...out.subarray(0, at), ...out.subarray(end)].every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
