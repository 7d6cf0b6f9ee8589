import { Client } from 'pg';
import { withDatabase } from './db';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.TEST_TEMPLATE_DB;
  if (!process.env.DATABASE_URL || !template) return;
  const admin = new Client({ connectionString: withDatabase(process.env.DATABASE_URL, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${template}"`).finally(() => admin.end());
}
