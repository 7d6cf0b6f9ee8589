import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/app-config';

/**
 * docker/compose.yml and docker/Dockerfile, read as Docker would (no Docker engine here): every
 * variable the configuration requires reaches both roles, the built-in defaults they run with
 * pass its validation, and the `monitoring` profile's Prometheus and Grafana find their files,
 * their targets and each other.
 */
const DOCKER = join(__dirname, '..', '..', 'docker');

interface Service {
  profiles?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
}
const compose = parse(readFileSync(join(DOCKER, 'compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };

/** The Dockerfile's final stage: its ENV and EXPOSE. */
function dockerfile(): { env: Record<string, string>; expose: number[]; copies: string[] } {
  const lines = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8').split('\n');
  const final = lines.slice(lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true));
  const env: Record<string, string> = {};
  for (const [, name, value] of final.map((l) => /^ENV\s+(\w+)[= ](.*)$/i.exec(l.trim())).filter((m): m is RegExpExecArray => !!m)) env[name] = value.trim();
  const expose = final.filter((l) => /^EXPOSE\s/i.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1).map((p) => Number(p.split('/')[0])));
  const copies = final.filter((l) => /^COPY\s/i.test(l)).map((l) => l.trim());
  return { env, expose, copies };
}

/** Compose's interpolation with nothing set by the operator: defaults, and a stand-in for what compose insists on (`:?`). */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (op === '-') return arg ?? '';
    if (op === '?') return `operator-supplied-${name.toLowerCase()}-0123456789abcdef0123456789`; // compose refuses to start without it
    return '';
  });
}

function serviceEnv(name: string): Record<string, string> {
  const env = compose.services[name].environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]));
}

/** The variables loadConfig cannot do without: asked of it one missing variable at a time. */
function requiredVariables(base: Record<string, string>): string[] {
  const env = { ...base };
  const required: string[] = [];
  for (;;) {
    try {
      loadConfig(env);
      return required;
    } catch (e) {
      if (!(e instanceof ConfigError) || !/is missing/.test(e.message) || required.includes(e.variable)) throw e;
      required.push(e.variable);
      env[e.variable] = e.variable.endsWith('_URL') ? (e.variable.startsWith('REDIS') ? 'redis://x:6379' : 'postgres://x/y') : 'set';
    }
  }
}

describe('docker/compose.yml and docker/Dockerfile', () => {
  const image = dockerfile();

  it('should run the image in production, exposing the api and the worker metrics ports', () => {
    expect(image.env.NODE_ENV).toBe('production');
    const config = loadConfig({ ...image.env, ...serviceEnv('worker') });
    expect(image.expose).toEqual(expect.arrayContaining([config.port, config.workerMetricsPort]));
    // The templates the config points at are in the image.
    expect(config.templatesDir).toBe('config/templates');
    expect(image.copies.some((c) => /^COPY\s+config\s+\.\/config$/.test(c))).toBe(true);
  });

  it.each(['api', 'worker', 'migrations'])('should pass %s every variable the configuration requires, and valid defaults', (role) => {
    const required = requiredVariables({ NODE_ENV: image.env.NODE_ENV });
    expect(required).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
    const env = serviceEnv(role);
    expect(required.filter((v) => !(v in env))).toEqual([]);
    expect(() => loadConfig({ ...image.env, ...env })).not.toThrow();
  });

  it('should keep the app services out of any profile and Prometheus and Grafana in `monitoring`', () => {
    for (const name of ['postgres', 'redis', 'migrations', 'api', 'worker']) expect(compose.services[name].profiles).toBeUndefined();
    for (const name of ['prometheus', 'grafana']) expect(compose.services[name].profiles).toEqual(['monitoring']);
  });

  /** A service's bind mounts: repository path → container path. */
  const mounts = (name: string) =>
    new Map((compose.services[name].volumes ?? []).filter((v) => v.startsWith('./')).map((v) => {
      const [from, to] = v.split(':');
      return [resolve(DOCKER, from), to] as const;
    }));
  const mountedAt = (name: string, path: string) => [...mounts(name)].find(([, to]) => to === path)?.[0];

  it('should have Prometheus scrape the api and every worker where they serve /metrics, with the alert rules loaded', () => {
    const dir = mountedAt('prometheus', '/etc/prometheus')!;
    expect(dir).toBe(join(DOCKER, 'prometheus'));
    const prom = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8'));
    for (const file of prom.rule_files as string[]) expect(existsSync(join(dir, file.replace('/etc/prometheus/', '')))).toBe(true);
    const jobs = new Map<string, any>((prom.scrape_configs as any[]).map((j) => [j.job_name, j]));
    const api = loadConfig({ ...image.env, ...serviceEnv('api') });
    expect(jobs.get('outage-api').static_configs[0].targets).toEqual([`api:${api.port}`]);
    expect(compose.services.api.ports?.some((p) => interpolate(p).endsWith(`:${api.port}`))).toBe(true);
    expect(api.metricsEnabled).toBe(true);
    const worker = loadConfig({ ...image.env, ...serviceEnv('worker') });
    expect(jobs.get('outage-worker').dns_sd_configs[0]).toMatchObject({ names: ['worker'], port: worker.workerMetricsPort });
    expect(compose.services.worker.expose).toContain(String(worker.workerMetricsPort));
  });

  it('should provision Grafana with the Prometheus data source and every dashboard', () => {
    const provisioning = mountedAt('grafana', '/etc/grafana/provisioning')!;
    const source = parse(readFileSync(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8')).datasources[0];
    expect(source.url).toBe('http://prometheus:9090');
    const provider = parse(readFileSync(join(provisioning, 'dashboards', 'outage-notifier.yml'), 'utf8')).providers[0];
    const dashboards = mountedAt('grafana', provider.options.path)!;
    expect(dashboards).toBe(join(DOCKER, 'grafana', 'dashboards'));
    const files = readdirSync(dashboards).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['channel-health.json', 'incident-progress.json', 'queues.json']);
    for (const file of files) {
      const d = JSON.parse(readFileSync(join(dashboards, file), 'utf8'));
      expect(d.panels.length).toBeGreaterThan(3);
      for (const panel of d.panels) {
        expect(panel.datasource.uid).toBe(source.uid);
        expect(panel.targets.length).toBeGreaterThan(0);
      }
    }
    const home = compose.services.grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH as string;
    expect(files).toContain(home.replace(`${provider.options.path}/`, ''));
  });
});
