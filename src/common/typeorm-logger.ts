import { Logger as NestLogger } from '@nestjs/common';
import { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import { CONFLICT_EXPECTED, UNIQUE_VIOLATION } from './sql';

const MAX_SQL = 500;
const sql = (query: string) => (query.length > MAX_SQL ? `${query.slice(0, MAX_SQL)}…` : query).replace(/\s+/g, ' ');

/**
 * TypeORM's own logger prints a failed query with its parameters, in plain text on stdout:
 * an INSERT that lost a race printed the subscriber's phone and email. This one writes through
 * the application logger (JSON, masked) and never writes parameters, only how many there were.
 */
export class TypeOrmJsonLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {
    // Every query is too much for a log; pg_stat_statements is the place for that.
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    // A plain insert that met an existing key, written again by its caller with ON CONFLICT (insertedOrElse).
    const code = typeof error === 'object' ? (error as { code?: string }).code : undefined;
    if (code === UNIQUE_VIOLATION && queryRunner?.data?.[CONFLICT_EXPECTED]) return;
    this.logger.error({
      msg: 'query failed',
      error: typeof error === 'string' ? error : error.message,
      code,
      query: sql(query),
      parameters: parameters?.length ?? 0,
    });
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[]): void {
    this.logger.warn({ msg: 'slow query', ms: time, query: sql(query), parameters: parameters?.length ?? 0 });
  }

  logSchemaBuild(message: string): void {
    this.logger.log({ msg: message });
  }

  logMigration(message: string): void {
    this.logger.log({ msg: message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ msg: String(message) });
    else this.logger.log({ msg: String(message) });
  }
}
