import { DomainError } from '../common/errors';
import { FieldError } from '../common/validation';

/** How many problems a 422 lists; the message still gives the total. */
export const MAX_LISTED_PROBLEMS = 100;

export interface LineProblem {
  line: number;
  field: string;
  message: string;
}

export class ImportInvalid extends DomainError {
  constructor(listed: LineProblem[], total = listed.length) {
    const what = total === 1 ? '1 problem' : `${total} problems`;
    const which = total > listed.length ? `; the first ${listed.length} are listed` : '';
    super('IMPORT_INVALID', `the file has ${what}${which}; nothing was imported`, 422, listed);
  }

  static one(line: number, field: string, message: string): ImportInvalid {
    return new ImportInvalid([{ line, field, message }]);
  }
}

export class ImportTooLarge extends DomainError {
  constructor(limit: number) {
    super('IMPORT_TOO_LARGE', `the file is larger than the ${Math.round(limit / 1024 / 1024)} MB import limit`, 413);
  }
}

export class UnsupportedImportType extends DomainError {
  constructor(given: string | undefined) {
    super(
      'UNSUPPORTED_IMPORT_TYPE',
      `imports take Content-Type text/csv or application/x-ndjson (UTF-8), not ${given ? `"${given}"` : 'none'}`,
      415,
    );
  }
}

export class UploadIncomplete extends DomainError {
  constructor() {
    super('UPLOAD_INCOMPLETE', 'the upload ended before the whole body arrived; nothing was imported', 400);
  }
}

export class ImportTimedOut extends DomainError {
  constructor(seconds: number) {
    super('IMPORT_TIMEOUT', `the upload took longer than ${seconds} s (IMPORT_TIMEOUT_SECONDS); nothing was imported`, 408);
  }
}

export class ImportConflict extends DomainError {
  constructor() {
    super('IMPORT_CONFLICT', 'the data changed while the file was being imported; nothing was imported, retry', 409);
  }
}

/** Collects line problems: counts all of them, keeps the first ones for the reply. */
export class ProblemList {
  readonly listed: LineProblem[] = [];
  total = 0;

  add(line: number, e: FieldError): void {
    this.total++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push({ line, field: e.field, message: e.message });
  }

  /** Adds problems found in SQL (already the first by line) and keeps the lowest lines overall. */
  merge(found: LineProblem[], total: number): void {
    this.total += total;
    this.listed.push(...found);
    this.listed.sort((a, b) => a.line - b.line);
    this.listed.length = Math.min(this.listed.length, MAX_LISTED_PROBLEMS);
  }

  toError(): ImportInvalid {
    return new ImportInvalid(this.listed, this.total);
  }
}
