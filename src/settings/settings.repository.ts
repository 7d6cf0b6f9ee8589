import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'crypto';
import { DataSource } from 'typeorm';

/** Values kept in the database for every process to share (see the Settings migration). */
@Injectable()
export class SettingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The named secret, made of 32 random bytes the first time it is asked for. Processes starting
   * together may both try to make it: the first insert wins and all read that one.
   */
  async secret(name: string): Promise<string> {
    await this.db.query(`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      name,
      randomBytes(32).toString('base64url'),
    ]);
    const [row] = await this.db.query(`SELECT value FROM settings WHERE name = $1`, [name]);
    return row.value;
  }
}
