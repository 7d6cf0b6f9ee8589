import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, DatabaseError } from 'pg';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { writePendingAudit } from '../audit/audit-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { copyRow } from './copy-text';
import { IMPORT_KINDS, ImportKind, ImportKindName } from './import-kinds';
import { ImportConflict, ImportInvalid, ImportTimedOut, ImportTooLarge, ProblemList } from './import.errors';
import { ImportsRepository, MergeCounts } from './imports.repository';
import { CsvRecordParser, ImportFormat, NdjsonRecordParser, readRecords, withDeadline } from './records';

export interface ImportResult extends MergeCounts {
  unchanged: number;
}

/** Errors that mean another writer got in between our checks and our merge. */
const CONCURRENT_CHANGE = new Set(['23505', '23503', '23514', '21000', '40P01', '40001']);

@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly imports: ImportsRepository,
  ) {}

  /**
   * Streams the body into a staging table, checks it, and merges it in one transaction: either
   * every line is imported or none is. The body is read only as fast as PostgreSQL takes it.
   */
  async import(kindName: ImportKindName, format: ImportFormat, body: Readable, declaredBytes?: number): Promise<ImportResult> {
    const kind = IMPORT_KINDS[kindName];
    if (declaredBytes !== undefined && declaredBytes > this.config.maxImportBytes) throw new ImportTooLarge(this.config.maxImportBytes);
    const started = Date.now();
    // Its own connection: the import holds a transaction for as long as the upload lasts, and
    // closing the connection is the surest way to discard everything when it fails.
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'outage-notifier-import' });
    await client.connect();
    try {
      await client.query('BEGIN');
      // For this transaction only (PgBouncer in transaction mode lends the connection to others
      // after it): enough memory for the repeated-key check to hash a million keys without
      // spilling to disk, and no statement or lock timeout a role setting might carry.
      await client.query(`SET LOCAL work_mem = '128MB'; SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0`);
      await this.imports.createStaging(client, kind);
      const problems = new ProblemList();
      const staged = await this.stage(client, kind, format, body, problems);
      const stagedAt = Date.now();
      if (staged.lines === 0 && problems.total === 0) throw ImportInvalid.one(1, 'body', 'the file has no data lines');

      await this.imports.lock(client, kind);
      await this.imports.analyzeStaging(client, kind);
      const found = await this.imports.findProblems(client, kind);
      problems.merge(found.listed, found.total);
      const checkedAt = Date.now();
      if (problems.total > 0) {
        this.logger.warn({ msg: 'import rejected', kind: kind.name, lines: staged.lines, problems: problems.total, ms: checkedAt - started });
        throw problems.toError();
      }

      const counts = await this.imports.merge(client, kind);
      await writePendingAudit(async (sql, params) => (await client.query(sql, params)).rows);
      await client.query('COMMIT');
      const result = { ...counts, unchanged: staged.rows - counts.inserted - counts.updated };
      this.logger.log({
        msg: 'import done',
        kind: kind.name,
        ...result,
        ms: { total: Date.now() - started, stream: stagedAt - started, check: checkedAt - stagedAt, merge: Date.now() - checkedAt },
      });
      return result;
    } catch (e) {
      // Leave the rest of the body to be read and dropped, so the client gets the answer.
      if (!body.readableEnded) body.resume();
      if (e instanceof DatabaseError && e.code && CONCURRENT_CHANGE.has(e.code)) throw new ImportConflict();
      throw e;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Validates each line as it arrives and copies the good ones into the staging table. */
  private async stage(client: Client, kind: ImportKind, format: ImportFormat, body: Readable, problems: ProblemList) {
    const parser = format === 'csv' ? new CsvRecordParser(kind.columns) : new NdjsonRecordParser();
    const ctx = { region: this.config.defaultPhoneRegion, csv: format === 'csv' };
    const counts = { lines: 0, rows: 0 };
    // destroyOnReturn: false keeps the socket open when reading stops early, so the error can still be sent.
    // The upload has its own deadline: the server's request timeout does not apply to imports (see http.ts).
    const seconds = this.config.importTimeoutSeconds;
    const chunks = withDeadline(body.iterator({ destroyOnReturn: false }), seconds * 1000, () => new ImportTimedOut(seconds));
    const records = readRecords(chunks, parser, this.config.maxImportBytes);
    async function* copyText(): AsyncGenerator<string> {
      for await (const batch of records) {
        let text = '';
        for (const rec of batch) {
          counts.lines++;
          if (rec.problem) {
            problems.add(rec.line, rec.problem);
            continue;
          }
          const { row, errors } = kind.read(rec.value!, ctx);
          if (!row) {
            for (const e of errors) problems.add(rec.line, e);
            continue;
          }
          const line = copyRow([rec.line, ...row]);
          // PostgreSQL text cannot hold NUL; checked on the encoded row, once.
          if (line.includes('\0')) {
            problems.add(rec.line, { field: 'row', message: 'contains a NUL character' });
            continue;
          }
          // Good lines are staged even after a bad one, so the database checks cover the whole file.
          text += line;
          counts.rows++;
        }
        if (text) yield text;
      }
    }
    await pipeline(copyText(), this.imports.copyIntoStaging(client, kind));
    return counts;
  }
}
