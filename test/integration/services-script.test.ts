import { spawnSync } from 'child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';

/**
 * scripts/services.sh for a checkout the postgres user cannot reach (cloned into root's home,
 * mode 0700): the private cluster goes to a directory of its own and still starts.
 */
const asRoot = process.getuid?.() === 0;

(asRoot ? describe : describe.skip)('scripts/services.sh in a checkout under a mode 0700 directory', () => {
  const home = mkdtempSync(join(tmpdir(), 'home-'));
  const checkout = join(home, 'outage-notifier');
  const run = (...args: string[]) => {
    const res = spawnSync('bash', [join(checkout, 'scripts', 'services.sh'), ...args], {
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`services.sh ${args.join(' ')} failed: ${res.stderr}`);
    return res;
  };
  let clusterDir: string | undefined;

  beforeAll(() => {
    chmodSync(home, 0o700);
    mkdirSync(join(checkout, 'scripts'), { recursive: true });
    copyFileSync(join(__dirname, '..', '..', 'scripts', 'services.sh'), join(checkout, 'scripts', 'services.sh'));
  });

  afterAll(() => {
    try {
      run('stop');
    } finally {
      if (clusterDir) rmSync(join(clusterDir, '..'), { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('should start a PostgreSQL the service can use, kept outside the checkout, and say where', async () => {
    const { stdout, stderr } = run('start');
    const url = /export DATABASE_URL='([^']+)'/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT current_setting('data_directory') AS dir`);
      clusterDir = rows[0].dir.replace(/\/data$/, '');
      expect(clusterDir).toMatch(/^\/var\/lib\/outage-notifier\/outage-notifier-[0-9a-f]{8}\/pg$/);
      expect(stderr).toContain(`the private cluster is kept in ${clusterDir}`);
    } finally {
      await client.end();
    }
  });
});
