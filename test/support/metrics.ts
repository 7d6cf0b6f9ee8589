import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

/** One Prometheus text exposition, as read by a test. */
export class Scrape {
  /** Every metric family named by a TYPE line (histograms by their base name). */
  readonly families = new Map<string, string>();
  readonly samples: Array<{ name: string; labels: Record<string, string>; value: number }> = [];

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      const type = /^# TYPE (\S+) (\S+)/.exec(line);
      if (type) this.families.set(type[1], type[2]);
      const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!sample) continue;
      const labels: Record<string, string> = {};
      for (const m of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2];
      this.samples.push({ name: sample[1], labels, value: Number(sample[3]) });
    }
  }

  /** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((total, s) => total + s.value, 0);
  }

  /** Whether the scrape has the metric a query names (`x_bucket`, `x_sum`, `x_count` of a histogram `x` too). */
  has(name: string): boolean {
    if (this.families.has(name)) return true;
    const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    return !!base && ['histogram', 'summary'].includes(this.families.get(base) ?? '');
  }
}

export async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return new Scrape(await res.text());
}

const DOCKER = join(__dirname, '..', '..', 'docker');

/** The PromQL of the shipped alert rules and dashboards, each with where it comes from. */
export function shippedQueries(): Array<{ where: string; expr: string }> {
  const queries: Array<{ where: string; expr: string }> = [];
  const rules = parse(readFileSync(join(DOCKER, 'prometheus', 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  for (const rule of rules.groups.flatMap((g) => g.rules)) queries.push({ where: `alert ${rule.alert}`, expr: String(rule.expr) });
  const dir = join(DOCKER, 'grafana', 'dashboards');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) queries.push({ where: `${file}: ${panel.title}`, expr: target.expr });
    }
  }
  return queries;
}

/** Prometheus makes these itself for every target: no process serves them. */
export const PROMETHEUS_OWN = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

/** The metric names a PromQL expression reads: ours (outage_*) and Prometheus' own. */
export function metricNames(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""'); // label values are not names
  const ours = code.match(/\boutage_\w+/g) ?? [];
  const own = PROMETHEUS_OWN.filter((n) => new RegExp(`\\b${n}\\b(?!\\s*\\()`).test(code.replace(/\{[^}]*\}/g, '{}').replace(/\bby\s*\([^)]*\)/g, '')));
  return [...new Set([...ours, ...own])];
}
