import fc from 'fast-check';
import { CsvParser, CsvRecord, CsvRecordTooLong } from './csv-parser';

function parse(chunks: string[], maxRecordChars?: number): CsvRecord[] {
  const sut = new CsvParser(maxRecordChars);
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
