import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { TestApi } from '../support/api';

/**
 * The console's request and response types are generated from the api's OpenAPI document
 * (openapi-typescript). This fails when the committed types no longer match the document;
 * `npm run gen:api-types` writes them afresh.
 */
const ROOT = join(__dirname, '..', '..');
const TYPES = join(ROOT, 'web', 'src', 'api', 'schema.d.ts');
const CLI = join(ROOT, 'web', 'node_modules', 'openapi-typescript', 'bin', 'cli.js');

describe('console API types', () => {
  let api: TestApi;
  beforeAll(async () => (api = await TestApi.start()));
  afterAll(() => api.stop());

  it('should match the OpenAPI document when generated afresh', async () => {
    const doc = await api.get('/docs-json', null);
    expect(doc.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc.body));
    execFileSync(process.execPath, [CLI, join(dir, 'openapi.json'), '--default-non-nullable', 'false', '-o', join(dir, 'schema.d.ts')], { stdio: 'pipe' });
    const fresh = readFileSync(join(dir, 'schema.d.ts'), 'utf8');
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(TYPES, fresh);
    const committed = readFileSync(TYPES, 'utf8');
    // A plain comparison of two long strings prints both; say what to do instead.
    expect(committed === fresh ? 'up to date' : 'stale: run npm run gen:api-types').toBe('up to date');
  });
});
