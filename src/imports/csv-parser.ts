/** One CSV record, or why it could not be read. `line` is the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields?: string[];
  error?: string;
}

/** A record over one of the parser's limits: the import stops there, naming the line. */
export class CsvLimitExceeded extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export class CsvRecordTooLong extends CsvLimitExceeded {
  constructor(line: number, readonly limit: number) {
    super(line, `the record starting on line ${line} is longer than ${limit} characters`);
  }
}

export class CsvTooManyFields extends CsvLimitExceeded {
  constructor(line: number, readonly limit: number) {
    super(line, `the record starting on line ${line} has more than ${limit} fields`);
  }
}

export class CsvFieldTooLong extends CsvLimitExceeded {
  /** `field` is 0-based. */
  constructor(line: number, readonly field: number, readonly limit: number) {
    super(line, `field ${field + 1} of the record starting on line ${line} is longer than ${limit} bytes`);
  }
}

export interface CsvLimits {
  /** Characters of all fields of one record. */
  maxRecordChars: number;
  /** Fields in one record: without it a line of commas grew the list without bound (empty fields add no characters). */
  maxFields: number;
  /** UTF-8 bytes of one field. */
  maxFieldBytes: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRecordChars: 1 << 20, maxFields: 100, maxFieldBytes: 64 * 1024 };

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** Saw a quote inside a quoted field: either the first of "" or the closing quote. */
  QuoteInQuoted,
  /** The record is broken: skip to the end of the line. */
  Skip,
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental RFC 4180 reader: text is pushed chunk by chunk (records may span chunks) and
 * complete records come out. Quoted fields may hold commas, "" and line breaks; CRLF and LF
 * both end a record; blank lines are skipped. Memory is bounded by the longest record.
 */
export class CsvParser {
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private recordChars = 0;
  private line = 1;
  private recordLine = 1;
  private error = '';

  private readonly limits: CsvLimits;

  constructor(limits: Partial<CsvLimits> = {}) {
    const given = Object.entries(limits).filter(([, v]) => v !== undefined);
    this.limits = { ...DEFAULT_CSV_LIMITS, ...Object.fromEntries(given) };
  }

  push(text: string, out: CsvRecord[]): void {
    let run = 0; // start of the field characters not yet copied into this.field
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.state === State.FieldStart) {
        if (c === QUOTE) {
          this.state = State.Quoted;
          run = i + 1;
          continue;
        }
        this.state = State.Unquoted;
        run = i;
      }
      switch (this.state) {
        case State.Unquoted:
          if (c === COMMA) {
            this.field += text.slice(run, i);
            this.endField();
          } else if (c === LF) {
            this.field += text.slice(run, i);
            if (this.field.endsWith('\r')) this.field = this.field.slice(0, -1);
            this.endField();
            this.endRecord(out);
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(run, i);
            this.state = State.QuoteInQuoted;
          } else if (c === LF) {
            this.line++;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.state = State.Quoted;
            run = i; // the second quote of "" is a literal quote
          } else if (c === COMMA) {
            this.endField();
          } else if (c === LF) {
            this.endField();
            this.endRecord(out);
          } else if (c !== CR) {
            this.error = 'a closing quote must be followed by a comma or the end of the line';
            this.state = State.Skip;
          }
          break;
        case State.Skip:
          if (c === LF) this.endRecord(out);
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += text.slice(run);
    this.checkField();
    if (this.recordChars + this.field.length > this.limits.maxRecordChars) {
      throw new CsvRecordTooLong(this.recordLine, this.limits.maxRecordChars);
    }
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(out: CsvRecord[]): void {
    if (this.state === State.Quoted) {
      out.push({ line: this.recordLine, error: `a quoted field opened on line ${this.recordLine} is never closed` });
    } else if (this.state === State.Skip) {
      this.endRecord(out);
    } else if (this.state !== State.FieldStart || this.fields.length > 0) {
      if (this.field.endsWith('\r')) this.field = this.field.slice(0, -1);
      this.endField();
      this.endRecord(out);
    }
    this.state = State.FieldStart;
  }

  private checkField(): void {
    const max = this.limits.maxFieldBytes;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: shorter fields need no count.
    if (this.field.length * 3 > max && Buffer.byteLength(this.field) > max) throw new CsvFieldTooLong(this.recordLine, this.fields.length, max);
  }

  private endField(): void {
    this.checkField();
    if (this.fields.length >= this.limits.maxFields) throw new CsvTooManyFields(this.recordLine, this.limits.maxFields);
    this.fields.push(this.field);
    this.recordChars += this.field.length;
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.state === State.Skip) {
      out.push({ line: this.recordLine, error: this.error });
    } else if (this.fields.length > 1 || this.fields[0] !== '') {
      out.push({ line: this.recordLine, fields: this.fields });
    }
    this.fields = [];
    this.field = '';
    this.recordChars = 0;
    this.state = State.FieldStart;
    this.line++;
    this.recordLine = this.line;
  }
}
