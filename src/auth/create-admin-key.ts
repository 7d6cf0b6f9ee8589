import { Client } from 'pg';
import { hashKey, newKey } from './api-keys.service';

/**
 * `main.js create-admin-key [name]`: mints an admin key straight in the database and prints it
 * once on stdout — for the first key without ADMIN_API_KEY, or when every admin key is lost.
 * It needs only DATABASE_URL (migrated); the key is stored hashed, like one made through the API.
 */
export async function createAdminKey(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ id: number; key: string }> {
  const name = args.join(' ').trim() || 'admin key (command line)';
  if (name.length > 100) throw new Error('name: at most 100 characters');
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: the key is written to that database');
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    const key = newKey();
    const { rows } = await db.query(`INSERT INTO api_keys (name, role, key_hash) VALUES ($1, 'admin', $2) RETURNING id`, [name, hashKey(key)]);
    return { id: rows[0].id, key };
  } finally {
    await db.end();
  }
}
