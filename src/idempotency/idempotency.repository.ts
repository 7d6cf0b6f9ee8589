import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What a key already stands for: nothing yet (the caller now holds it), a request still running, or a stored answer. */
export type KeyState =
  | { state: 'new' }
  | { state: 'running'; fingerprint: string }
  | { state: 'done'; fingerprint: string; status: number; body: unknown };

/** A repeat this long after the first request is a new request. */
const KEPT = `interval '24 hours'`;
/** A request that held its key this long without an answer died with its process: the key is free again. */
const ABANDONED = `interval '2 minutes'`;

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Takes the key for this request, unless another request has it: one statement, so two requests
   * racing with one key cannot both take it. An expired or abandoned entry is taken over.
   */
  async claim(apiKeyId: number, key: string, fingerprint: string): Promise<KeyState> {
    const [taken] = await this.db.query(
      `INSERT INTO idempotency_keys (api_key_id, key, fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (api_key_id, key) DO UPDATE
         SET fingerprint = excluded.fingerprint, created_at = now(), status = NULL, response = NULL
         WHERE idempotency_keys.created_at < now() - ${KEPT}
            OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - ${ABANDONED})
       RETURNING 1`,
      [apiKeyId, key, fingerprint],
    );
    if (taken) return { state: 'new' };
    const [row] = await this.db.query(`SELECT fingerprint, status, response FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`, [apiKeyId, key]);
    if (!row) return this.claim(apiKeyId, key, fingerprint); // released in between
    return row.status === null ? { state: 'running', fingerprint: row.fingerprint } : { state: 'done', fingerprint: row.fingerprint, status: row.status, body: row.response };
  }

  async complete(apiKeyId: number, key: string, status: number, body: unknown): Promise<void> {
    await this.db.query(`UPDATE idempotency_keys SET status = $3, response = $4 WHERE api_key_id = $1 AND key = $2`, [apiKeyId, key, status, JSON.stringify(body ?? null)]);
  }

  /** A request that failed had no effect: its key may be used again. Old entries go at the same time. */
  async release(apiKeyId: number, key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE (api_key_id = $1 AND key = $2) OR created_at < now() - ${KEPT}`, [apiKeyId, key]);
  }

  /** Answers past their 24 hours (they may hold what the request returned): the retention job's share. */
  async deleteExpired(): Promise<number> {
    const [, deleted] = await this.db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - ${KEPT}`);
    return deleted;
  }
}
