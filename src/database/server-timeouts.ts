import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, ProcessRole } from '../config/app-config';

export const DATABASE_ROLE = Symbol('DATABASE_ROLE');

/**
 * Behind PgBouncer in transaction mode the process cannot set its timeouts (see timeoutOptions):
 * at start it reads the ones the server gives its connections and says when they are not the
 * configured ones, naming the setting to change.
 */
@Injectable()
export class ServerTimeoutsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_ROLE) private readonly role: ProcessRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.databasePoolMode !== 'transaction') return;
    const want = this.config.databaseTimeouts[this.role];
    const rows: Array<{ name: string; ms: number }> = await this.db.query(
      `SELECT name, setting::bigint AS ms FROM pg_settings WHERE name IN ('statement_timeout', 'lock_timeout')`,
    );
    const has = Object.fromEntries(rows.map((r) => [r.name, Number(r.ms)]));
    const server = { statementMs: has.statement_timeout, lockMs: has.lock_timeout };
    this.logger.log({ msg: 'database timeouts from the server', poolMode: 'transaction', ...server });
    const prefix = `DB_${this.role.toUpperCase()}_`;
    for (const [key, setting, env] of [['statementMs', 'statement_timeout', 'STATEMENT_TIMEOUT_MS'], ['lockMs', 'lock_timeout', 'LOCK_TIMEOUT_MS']] as const) {
      if (server[key] === want[key]) continue;
      this.logger.warn({
        msg: `the server gives ${setting} = ${server[key]} ms, ${prefix}${env} asks for ${want[key]} ms: behind PgBouncer in transaction mode set it on the database role (ALTER ROLE … SET ${setting} = ${want[key]}) or in PgBouncer's connect_query`,
      });
    }
  }
}
