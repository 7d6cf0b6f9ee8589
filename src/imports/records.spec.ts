import { Readable } from 'stream';
import { ImportInvalid, ImportTooLarge } from './import.errors';
import { CsvRecordParser, ImportRecord, NdjsonRecordParser, readRecords, RecordParser, withDeadline } from './records';

const columns = { known: ['code', 'name', 'phone', 'email'], required: ['code', 'name'], oneOf: ['phone', 'email'] };

async function readAll(chunks: string[], parser: RecordParser = new CsvRecordParser(columns), maxBytes = 1 << 20): Promise<ImportRecord[]> {
  const out: ImportRecord[] = [];
  for await (const batch of readRecords(Readable.from(chunks.map((c) => Buffer.from(c))), parser, maxBytes)) out.push(...batch);
  return out;
}

describe(CsvRecordParser.name, () => {
  it('should map each line onto the header names and number lines from the header', async () => {
    expect(await readAll(['\uFEFFcode, name ,phone\n', 'A,Anna,+7913\n'])).toEqual([
      { line: 2, value: { code: 'A', name: 'Anna', phone: '+7913' } },
    ]);
  });

  it('should report a line whose field count differs from the header', async () => {
    expect(await readAll(['code,name,phone\nA,Anna\n'])).toEqual([
      { line: 2, problem: { field: 'row', message: 'has 2 fields but the header has 3' } },
    ]);
  });

  it('should fail at once when the header has unknown, repeated or missing columns', async () => {
    const err = await readAll(['code,nmae,code\nA,B,C\n']).catch((e) => e);
    expect(err).toBeInstanceOf(ImportInvalid);
    expect(err.details).toEqual([
      { line: 1, field: 'nmae', message: expect.stringContaining('is not a known column') },
      { line: 1, field: 'code', message: 'is a repeated column' },
      { line: 1, field: 'name', message: 'column is missing' },
      { line: 1, field: 'phone', message: 'column is missing: one of phone, email is needed' },
    ]);
  });

  it('should keep a multi-byte character split across chunks whole', async () => {
    const bytes = Buffer.from('code,name,email\nA,Дарья,d@x.ru\n');
    const cut = bytes.indexOf(Buffer.from('Д')) + 1;
    const out: ImportRecord[] = [];
    const body = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
    for await (const batch of readRecords(body, new CsvRecordParser(columns), 1000)) out.push(...batch);
    expect(out[0].value).toMatchObject({ name: 'Дарья' });
  });

  it('should refuse a body larger than the limit', async () => {
    await expect(readAll(['code,name,email\n', 'A,B,c@d.ru\n'], undefined, 20)).rejects.toBeInstanceOf(ImportTooLarge);
  });
});

describe(`${CsvRecordParser.name} limits`, () => {
  it('should fail the import naming the line when a line is all commas', async () => {
    const err = await readAll(['code,name,phone\n', 'A,Anna,+7913\n', ','.repeat(1_000_000) + '\n']).catch((e) => e);
    expect(err).toBeInstanceOf(ImportInvalid);
    expect(err.details).toEqual([{ line: 3, field: 'row', message: 'the record starting on line 3 has more than 100 fields' }]);
  });

  it('should name the column when one field is over the byte limit', async () => {
    const err = await readAll(['code,name,phone\n', `A,${'я'.repeat(40_000)},+7913\n`]).catch((e) => e);
    expect(err).toBeInstanceOf(ImportInvalid);
    expect(err.details).toEqual([{ line: 2, field: 'name', message: 'field 2 of the record starting on line 2 is longer than 65536 bytes' }]);
  });
});

describe(withDeadline.name, () => {
  const never: AsyncIterator<number> = { next: () => new Promise(() => undefined) };

  it('should throw the given error when the source stalls past the deadline', async () => {
    const sut = withDeadline(never, 20, () => new Error('too slow'));
    await expect(sut.next()).rejects.toThrow('too slow');
  });

  it('should pass every item through when the source ends in time', async () => {
    const out: number[] = [];
    for await (const n of withDeadline(Readable.from([1, 2, 3])[Symbol.asyncIterator](), 60_000, () => new Error('x'))) out.push(n);
    expect(out).toEqual([1, 2, 3]);
  });

  it('should never time out when the deadline is 0', async () => {
    const sut = withDeadline((async function* () { yield 1; })(), 0, () => new Error('x'));
    expect(await sut.next()).toEqual({ done: false, value: 1 });
    expect(await sut.next()).toEqual({ done: true, value: undefined });
  });
});

describe(NdjsonRecordParser.name, () => {
  it('should read one object per line, skipping blank lines and naming bad ones', async () => {
    const out = await readAll(['{"code":"A"}\n\n{"code":', '"B"}\r\n[1]\n{oops\n{"code":"C"}'], new NdjsonRecordParser());
    expect(out).toEqual([
      { line: 1, value: { code: 'A' } },
      { line: 3, value: { code: 'B' } },
      { line: 4, problem: { field: 'row', message: 'must be a JSON object' } },
      { line: 5, problem: { field: 'row', message: 'is not valid JSON' } },
      { line: 6, value: { code: 'C' } },
    ]);
  });
});
