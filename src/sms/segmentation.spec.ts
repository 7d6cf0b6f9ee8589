import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import { decodeGsm7, decodeUcs2, gsmLength } from './gsm7';
import { concatUdh, countSegments, detectEncoding, encodeSms, MessageTooLong, partPdus, prepareSms, readConcat, splitText, splitUdh, UCS2_DATA_CODING } from './segmentation';

const GSM = { gsmDataCoding: 0x00, longMessages: 'udh' as const };
const RU = 'Я';

describe(splitText.name, () => {
  it.each([
    ['160 GSM characters', 'a'.repeat(160), 1],
    ['161 GSM characters', 'a'.repeat(161), 2],
    ['306 GSM characters', 'a'.repeat(306), 2],
    ['307 GSM characters', 'a'.repeat(307), 3],
    ['70 Cyrillic characters', RU.repeat(70), 1],
    ['71 Cyrillic characters', RU.repeat(71), 2],
    ['134 Cyrillic characters', RU.repeat(134), 2],
    ['135 Cyrillic characters', RU.repeat(135), 3],
    ['159 GSM + € (161 septets)', 'a'.repeat(159) + '€', 2],
    ['158 GSM + € (160 septets)', 'a'.repeat(158) + '€', 1],
    ['80 € (160 septets)', '€'.repeat(80), 1],
    ['81 € (162 septets)', '€'.repeat(81), 2],
    ['35 emoji (70 units)', '😀'.repeat(35), 1],
    ['36 emoji (72 units)', '😀'.repeat(36), 2],
  ])('should give the same part count as sms-segments-calculator for %s', (_name, text, parts) => {
    expect(splitText(text).length).toBe(parts);
    expect(countSegments(text)).toBe(new SegmentedMessage(text).segmentsCount);
  });

  it('should not split an escape pair when an extension character falls on septet 153', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(20);
    const parts = splitText(text);
    expect(parts[0]).toBe('a'.repeat(152));
    expect(parts[1].startsWith('€')).toBe(true);
    expect(countSegments(text)).toBe(new SegmentedMessage(text).segmentsCount);
  });

  it('should not split a surrogate pair when an emoji falls on unit 67', () => {
    const text = RU.repeat(66) + '😀' + RU.repeat(10);
    const parts = splitText(text);
    expect(parts[0]).toBe(RU.repeat(66));
    expect(parts[1].startsWith('😀')).toBe(true);
    expect(countSegments(text)).toBe(new SegmentedMessage(text).segmentsCount);
  });

  it('should treat a text as UCS-2 when one character is outside GSM', () => {
    expect(detectEncoding('a'.repeat(100) + 'ы')).toBe('ucs2');
    expect(splitText('a'.repeat(100) + 'ы').length).toBe(2);
  });

  it('should keep every part within its limit and lose nothing when given any text', () => {
    const alphabet = fc.constantFrom('a', 'Z', ' ', '€', '[', 'Я', 'ж', '😀', '\n', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 600 }), (chars) => {
        const text = chars.join('');
        const encoding = detectEncoding(text);
        const parts = splitText(text, encoding);
        expect(parts.join('')).toBe(text);
        const size = (p: string) => (encoding === 'gsm7' ? gsmLength(p) : p.length);
        const limit = parts.length === 1 ? (encoding === 'gsm7' ? 160 : 70) : encoding === 'gsm7' ? 153 : 67;
        for (const p of parts) {
          expect(size(p)).toBeLessThanOrEqual(limit);
          expect(/[\ud800-\udbff]$/.test(p)).toBe(false);
        }
      }),
    );
  });
});

describe(encodeSms.name, () => {
  it('should use the configured GSM data_coding and one PDU without UDH when the text fits', () => {
    const sut = encodeSms('Power is back. Sorry!', { ...GSM, gsmDataCoding: 0x01 });
    expect(sut).toMatchObject({ encoding: 'gsm7', dataCoding: 0x01, segments: 1 });
    expect(sut.pdus).toHaveLength(1);
    expect(sut.pdus[0].esmClass).toBe(0);
    expect(decodeGsm7(sut.pdus[0].shortMessage)).toBe('Power is back. Sorry!');
  });

  it('should give every part the same UDH reference, data_coding 0x08 and the UDHI flag when Russian text needs two parts', () => {
    const text = 'Уважаемый абонент! Из-за аварии на линии в вашем доме нет интернета. Восстановим до 18:00.';
    const sut = encodeSms(text, { ...GSM, reference: 0xab });
    expect(sut).toMatchObject({ encoding: 'ucs2', dataCoding: UCS2_DATA_CODING, segments: 2 });
    const decoded = sut.pdus.map((p) => {
      expect(p.esmClass & 0x40).toBe(0x40);
      const { udh, body } = splitUdh(p.shortMessage, p.esmClass);
      expect(body.length).toBeLessThanOrEqual(134);
      return { concat: readConcat(udh!), text: decodeUcs2(body) };
    });
    expect(decoded.map((d) => d.concat)).toEqual([
      { reference: 0xab, total: 2, seq: 1 },
      { reference: 0xab, total: 2, seq: 2 },
    ]);
    expect(decoded.map((d) => d.text).join('')).toBe(text);
  });

  it('should pick a random reference per message when none is given', () => {
    const refs = new Set(Array.from({ length: 50 }, () => readConcat(splitUdh(encodeSms('x'.repeat(200), GSM).pdus[0].shortMessage, 0x40).udh!)!.reference));
    expect(refs.size).toBeGreaterThan(10);
  });

  it('should send one PDU with message_payload and an empty short_message when payload mode is configured', () => {
    const text = 'П'.repeat(100);
    const sut = encodeSms(text, { ...GSM, longMessages: 'payload' });
    expect(sut.segments).toBe(2);
    expect(sut.pdus).toHaveLength(1);
    expect(sut.pdus[0].shortMessage.length).toBe(0);
    expect(decodeUcs2(sut.pdus[0].messagePayload!)).toBe(text);
  });

  it('should refuse a text needing more than 255 parts', () => {
    expect(() => encodeSms('a'.repeat(153 * 255 + 1), GSM)).toThrow(MessageTooLong);
  });
});

describe(partPdus.name, () => {
  it('should give two messages of one prepared text the same parts under their own references', () => {
    const sms = prepareSms('Свет отключён из-за аварии на подстанции. Восстановим сегодня до 18:00. Извините!', GSM);
    const [a, b] = [partPdus(sms, 1), partPdus(sms, 2)];
    expect(a).toHaveLength(2);
    const read = (pdus: typeof a) => pdus.map((p) => splitUdh(p.shortMessage, p.esmClass));
    expect(read(a).map((p) => readConcat(p.udh!)!.reference)).toEqual([1, 1]);
    expect(read(b).map((p) => readConcat(p.udh!)!.reference)).toEqual([2, 2]);
    expect(read(b).map((p) => p.body)).toEqual(read(a).map((p) => p.body));
    expect(a).toEqual(encodeSms('Свет отключён из-за аварии на подстанции. Восстановим сегодня до 18:00. Извините!', { ...GSM, reference: 1 }).pdus);
  });
});

describe(readConcat.name, () => {
  it('should read the 8-bit and the 16-bit concatenation elements', () => {
    expect(readConcat(concatUdh(7, 3, 2))).toEqual({ reference: 7, total: 3, seq: 2 });
    expect(readConcat(Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01]))).toEqual({ reference: 0x1234, total: 2, seq: 1 });
    expect(readConcat(Buffer.from([0x00]))).toBeUndefined();
    expect(readConcat(Buffer.from([0x06, 0x08, 0x04, 0x12]))).toBeUndefined(); // an element cut short: an MO's UDH is the sender's to get wrong
  });
});
