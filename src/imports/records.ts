import { StringDecoder } from 'string_decoder';
import { FieldError } from '../common/validation';
import { CsvFieldTooLong, CsvLimitExceeded, CsvParser, CsvRecord, DEFAULT_CSV_LIMITS } from './csv-parser';
import { ImportInvalid, ImportTooLarge, LineProblem, UploadIncomplete } from './import.errors';

export type ImportFormat = 'csv' | 'ndjson';

/** One line of an import file: the raw object to validate, or why it could not be read. */
export interface ImportRecord {
  line: number;
  value?: Record<string, unknown>;
  problem?: FieldError;
}

export interface Columns {
  known: readonly string[];
  required: readonly string[];
  /** At least one of these must be a column (e.g. phone or email). */
  oneOf?: readonly string[];
}

const MAX_RECORD_CHARS = DEFAULT_CSV_LIMITS.maxRecordChars;

/** Turns decoded text chunks into records; `end` flushes what is left. */
export interface RecordParser {
  push(text: string): ImportRecord[];
  end(): ImportRecord[];
}

export class CsvRecordParser implements RecordParser {
  private readonly csv = new CsvParser();
  private header?: string[];
  private readonly batch: CsvRecord[] = [];

  constructor(private readonly columns: Columns) {}

  push(text: string): ImportRecord[] {
    try {
      this.csv.push(text, this.batch);
    } catch (e) {
      if (e instanceof CsvFieldTooLong) throw ImportInvalid.one(e.line, this.header?.[e.field] ?? 'row', e.message);
      if (e instanceof CsvLimitExceeded) throw ImportInvalid.one(e.line, 'row', e.message);
      throw e;
    }
    return this.drain();
  }

  end(): ImportRecord[] {
    this.csv.end(this.batch);
    return this.drain();
  }

  private drain(): ImportRecord[] {
    const out: ImportRecord[] = [];
    for (const rec of this.batch) {
      if (!this.header) {
        if (rec.error) throw ImportInvalid.one(rec.line, 'header', rec.error);
        this.header = this.readHeader(rec);
        continue;
      }
      if (rec.error) {
        out.push({ line: rec.line, problem: { field: 'row', message: rec.error } });
      } else if (rec.fields!.length !== this.header.length) {
        const message = `has ${rec.fields!.length} fields but the header has ${this.header.length}`;
        out.push({ line: rec.line, problem: { field: 'row', message } });
      } else {
        const value: Record<string, string> = {};
        for (let i = 0; i < this.header.length; i++) value[this.header[i]] = rec.fields![i];
        out.push({ line: rec.line, value });
      }
    }
    this.batch.length = 0;
    return out;
  }

  /** A bad header makes every line meaningless, so it fails the import at once. */
  private readHeader(rec: CsvRecord): string[] {
    const names = rec.fields!.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim());
    const problems: LineProblem[] = [];
    const fail = (field: string, message: string) => problems.push({ line: rec.line, field, message });
    names.forEach((name, i) => {
      if (!this.columns.known.includes(name)) fail(name || `column ${i + 1}`, `is not a known column (expected ${this.columns.known.join(', ')})`);
      else if (names.indexOf(name) !== i) fail(name, 'is a repeated column');
    });
    for (const name of this.columns.required) if (!names.includes(name)) fail(name, 'column is missing');
    const oneOf = this.columns.oneOf;
    if (oneOf && !oneOf.some((n) => names.includes(n))) fail(oneOf[0], `column is missing: one of ${oneOf.join(', ')} is needed`);
    if (problems.length) throw new ImportInvalid(problems);
    return names;
  }
}

export class NdjsonRecordParser implements RecordParser {
  private partial = '';
  private line = 0;

  push(text: string): ImportRecord[] {
    const out: ImportRecord[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      this.take(this.partial ? this.partial + piece : piece, out);
      this.partial = '';
      start = nl + 1;
    }
    this.partial += text.slice(start);
    if (this.partial.length > MAX_RECORD_CHARS) {
      throw ImportInvalid.one(this.line + 1, 'row', `the line is longer than ${MAX_RECORD_CHARS} characters`);
    }
    return out;
  }

  end(): ImportRecord[] {
    const out: ImportRecord[] = [];
    if (this.partial) this.take(this.partial, out);
    this.partial = '';
    return out;
  }

  private take(text: string, out: ImportRecord[]): void {
    const line = ++this.line;
    const json = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (json === '') return;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      out.push({ line, problem: { field: 'row', message: 'is not valid JSON' } });
      return;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) out.push({ line, value: value as Record<string, unknown> });
    else out.push({ line, problem: { field: 'row', message: 'must be a JSON object' } });
  }
}

/**
 * Reads an upload chunk by chunk and yields its records a chunk's worth at a time. It pulls the
 * next chunk only when the consumer asks, so a slow consumer slows the upload instead of
 * buffering it.
 */
export async function* readRecords(
  body: AsyncIterable<Buffer>,
  parser: RecordParser,
  maxBytes: number,
): AsyncGenerator<ImportRecord[]> {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw new ImportTooLarge(maxBytes);
      const records = parser.push(decoder.write(chunk));
      if (records.length) yield records;
    }
  } catch (e) {
    if (isStreamAbort(e)) throw new UploadIncomplete();
    throw e;
  }
  const last = parser.push(decoder.end());
  last.push(...parser.end());
  if (last.length) yield last;
}

function isStreamAbort(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as Error)?.message === 'aborted';
}

/**
 * The chunks of `source` until `ms` have passed since the call; then `timedOut()` is thrown, also
 * while a chunk is awaited (a stalled client). 0: no deadline.
 */
export async function* withDeadline<T>(source: AsyncIterator<T>, ms: number, timedOut: () => Error): AsyncGenerator<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (ms > 0) timer = setTimeout(() => reject(timedOut()), ms);
  });
  expired.catch(() => undefined); // raced below; unobserved when the source ends first
  try {
    for (;;) {
      const next = source.next();
      next.catch(() => undefined); // left pending when the deadline wins
      const result = await Promise.race([next, expired]);
      if (result.done) return;
      yield result.value;
    }
  } finally {
    clearTimeout(timer);
    // Detaches from the source as for-await would have (a stream iterator's listeners would keep
    // body.resume() from draining the rest of an upload).
    // Not awaited: a stream iterator still waiting for a chunk (a stalled client) returns only after it.
    void source.return?.()?.catch(() => undefined);
  }
}
