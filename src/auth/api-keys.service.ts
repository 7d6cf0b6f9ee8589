import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'crypto';
import { DataSource } from 'typeorm';
import { returning } from '../common/sql';
import { UnknownReferences } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiKeyEntity, Role } from './api-key.entity';
import { Caller } from './roles.decorator';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * How long a key lookup is reused. Keys are revoked by setting revoked_at (SQL or CLI), which
 * every api process notices only when its cached entry expires: this bounds that delay.
 */
export const API_KEY_CACHE_MS = 2_000;

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeysService.name);
  // Short-lived cache so a burst of requests does not query the key table each time.
  private readonly cache = new Map<string, { caller: Caller | null; until: number }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The first admin key comes from ADMIN_API_KEY; it is stored hashed like any other. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.adminApiKey) return;
    await this.db.query(
      `INSERT INTO api_keys (name, role, key_hash) VALUES ('bootstrap admin (ADMIN_API_KEY)', 'admin', $1)
       ON CONFLICT (key_hash) DO NOTHING`,
      [hashKey(this.config.adminApiKey)],
    );
  }

  async authenticate(key: string): Promise<Caller | null> {
    const hash = hashKey(key);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.caller;
    const rows = await returning<{ id: number; name: string; role: Role; manager_id: number | null }>(
      this.db.manager,
      `UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL RETURNING id, name, role, manager_id`,
      [hash],
    );
    const caller = rows[0] ? { keyId: rows[0].id, name: rows[0].name, role: rows[0].role, managerId: rows[0].manager_id } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { caller, until: Date.now() + API_KEY_CACHE_MS });
    return caller;
  }

  async create(input: { name: string; role: Role; managerId?: number }): Promise<{ id: number; key: string }> {
    if (input.managerId !== undefined) {
      const found = await this.db.query(`SELECT 1 FROM outage_managers WHERE id = $1`, [input.managerId]);
      if (found.length === 0) {
        throw new UnknownReferences([{ field: 'managerId', message: `outage manager ${input.managerId} does not exist` }]);
      }
    }
    const key = `onk_${randomBytes(32).toString('base64url')}`;
    const saved = await this.db.getRepository(ApiKeyEntity).save({
      name: input.name,
      role: input.role,
      keyHash: hashKey(key),
      managerId: input.managerId ?? null,
    });
    this.logger.log({ msg: 'api key created', keyId: saved.id, role: saved.role });
    return { id: saved.id, key };
  }
}
