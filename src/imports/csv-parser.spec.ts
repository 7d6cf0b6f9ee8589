import fc from 'fast-check';
import { CsvFieldTooLong, CsvLimits, CsvParser, CsvRecord, CsvRecordTooLong, CsvTooManyFields } from './csv-parser';

function parse(chunks: string[], maxRecordChars?: number, limits: Partial<CsvLimits> = {}): CsvRecord[] {
  const sut = new CsvParser({ maxRecordChars, ...limits });
  const out: CsvRecord[] = [];
  for (const chunk of chunks) sut.push(chunk, out);
  sut.end(out);
  return out;
}

const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);

describe(CsvParser.name, () => {
  it('should read quoted fields holding commas, quotes and line breaks', () => {
    const out = parse(['code,name\n', 'A1,"Smith, ""Jr""\nsecond line"\r\n', 'A2,plain\n']);
    expect(out).toEqual([
      { line: 1, fields: ['code', 'name'] },
      { line: 2, fields: ['A1', 'Smith, "Jr"\nsecond line'] },
      { line: 4, fields: ['A2', 'plain'] },
    ]);
  });

  it('should strip CRLF even when the CR and LF arrive in different chunks', () => {
    expect(parse(['a,b\r', '\nc,d\r', '\n'])).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ]);
  });

  it('should skip blank lines and read a last line without a line break', () => {
    expect(parse(['a,b\n\n\r\nc,', ''])).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['c', ''] },
    ]);
  });

  it('should report an unterminated quote on the line where it opened', () => {
    expect(parse(['a,b\nc,"never closed\nd,e\n'])).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, error: 'a quoted field opened on line 2 is never closed' },
    ]);
  });

  it('should report text after a closing quote and carry on with the next line', () => {
    expect(parse(['"a"x,b\nc,d\n'])).toEqual([
      { line: 1, error: 'a closing quote must be followed by a comma or the end of the line' },
      { line: 2, fields: ['c', 'd'] },
    ]);
  });

  it('should refuse a record longer than the limit when it spans chunks', () => {
    expect(() => parse(['a,"', 'x'.repeat(50), 'y'.repeat(50)], 64)).toThrow(CsvRecordTooLong);
  });

  it('should refuse a line of commas when it has more fields than the limit, naming its line', () => {
    const sut = () => parse(['a,b\n', ',,,,'.repeat(250_000), '\n'], undefined, { maxFields: 100 });
    expect(sut).toThrow(CsvTooManyFields);
    expect(sut).toThrow('the record starting on line 2 has more than 100 fields');
  });

  it('should take a record when it has exactly the most fields allowed', () => {
    expect(parse([`${','.repeat(99)}x\n`], undefined, { maxFields: 100 })).toEqual([{ line: 1, fields: [...Array(99).fill(''), 'x'] }]);
  });

  it('should refuse a field over the byte limit when it is split across chunks, naming its line and field', () => {
    const sut = () => parse(['a,b\nc,"', 'я'.repeat(20), 'я'.repeat(20), '"\n'], undefined, { maxFieldBytes: 64 });
    expect(sut).toThrow(CsvFieldTooLong);
    expect(sut).toThrow('field 2 of the record starting on line 2 is longer than 64 bytes');
  });

  it('should count bytes, not characters, when a field is not ASCII', () => {
    expect(parse(['я'.repeat(32) + '\n'], undefined, { maxFieldBytes: 64 })).toEqual([{ line: 1, fields: ['я'.repeat(32)] }]);
    expect(() => parse(['я'.repeat(33) + '\n'], undefined, { maxFieldBytes: 64 })).toThrow(CsvFieldTooLong);
  });

  it('should give the same records however the text is split into chunks', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'я') });
    const records = fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(records, fc.array(fc.nat(), { maxLength: 5 }), (recs, cuts) => {
        const text = recs.map((r) => r.map(quote).join(',')).join('\n') + '\n';
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((p, i, all) => text.slice(p, all[i + 1] ?? text.length));
        expect(parse(chunks).map((r) => r.fields)).toEqual(recs);
      }),
    );
  });
});
