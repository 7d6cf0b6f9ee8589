import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'crypto';
import { DataSource } from 'typeorm';
import { returning } from '../common/sql';
import { Conflict, NotFound, UnknownReferences } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiKeyEntity, Role } from './api-key.entity';
import { ApiKeyDto, MeDto, RevokedApiKeyDto } from './create-api-key.dto';
import { Caller } from './roles.decorator';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new random key: shown once to whoever asked for it, stored only as its hash. */
export function newKey(): string {
  return `onk_${randomBytes(32).toString('base64url')}`;
}

/**
 * How long a key lookup is reused. A key revoked through the API is refused at once by the api
 * process that revoked it; other api processes (and revocations by SQL) notice when their cached
 * entry expires: this bounds that delay.
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

  /**
   * Marks a key revoked, keeping its row. The last active admin key is refused, so nobody can lock
   * the operator out; revocations go one at a time, so two admins revoking each other's keys at once
   * cannot both pass that check.
   */
  async revoke(id: number, caller: Caller): Promise<RevokedApiKeyDto> {
    const key = await this.db.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('api-key-revocation'))`);
      const [row]: Array<{ id: number; name: string; role: Role; key_hash: string; revoked_at: Date | null; active_admins: number }> =
        await em.query(
          `SELECT id, name, role, key_hash, revoked_at,
                  (SELECT count(*)::int FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL) AS active_admins
           FROM api_keys WHERE id = $1`,
          [id],
        );
      if (!row) throw new NotFound('api key', id);
      if (row.revoked_at) return row;
      if (row.role === 'admin' && row.active_admins <= 1) {
        throw new Conflict('LAST_ADMIN_KEY', `api key ${id} is the last active admin key: create another admin key before revoking it`);
      }
      const [revoked]: Array<{ revoked_at: Date }> = await returning(
        em,
        `UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING revoked_at`,
        [id],
      );
      this.logger.log({ msg: 'api key revoked', keyId: id, role: row.role, by: caller.keyId });
      return { ...row, revoked_at: revoked.revoked_at };
    });
    this.cache.delete(key.key_hash);
    return { id: key.id, name: key.name, role: key.role, revokedAt: key.revoked_at!.toISOString() };
  }

  /** Every key, newest first, revoked ones included; never the key or its hash. */
  async list(): Promise<ApiKeyDto[]> {
    const rows: Array<{ id: number; name: string; role: Role; manager_id: number | null; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }> =
      await this.db.query(`SELECT id, name, role, manager_id, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id DESC`);
    return rows.map((r) => ({
      id: r.id, name: r.name, role: r.role, managerId: r.manager_id, createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null,
    }));
  }

  /** Who the caller is, for a client shaping itself by role. */
  async whoAmI(caller: Caller): Promise<MeDto> {
    const [manager]: Array<{ id: number; name: string }> = caller.managerId === null
      ? []
      : await this.db.query(`SELECT id, name FROM outage_managers WHERE id = $1`, [caller.managerId]);
    return { keyId: caller.keyId, name: caller.name, role: caller.role, manager: manager ?? null };
  }

  async create(input: { name: string; role: Role; managerId?: number }): Promise<{ id: number; key: string }> {
    if (input.managerId !== undefined) {
      const found = await this.db.query(`SELECT 1 FROM outage_managers WHERE id = $1`, [input.managerId]);
      if (found.length === 0) {
        throw new UnknownReferences([{ field: 'managerId', message: `outage manager ${input.managerId} does not exist` }]);
      }
    }
    const key = newKey();
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
