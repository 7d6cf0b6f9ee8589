import { DateTime } from 'luxon';
import { maskPhone, maskText } from '../common/mask';
import { formatHhMm } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { isQuietAt, nextAllowedAt } from '../notifications/quiet-hours';
import { effectiveTimezone, generateNetwork } from './generator';

/**
 * The demo's sample incident: declared through the API at "now", as a NOC operator would, over
 * regions spread from UTC−5 to UTC+12. No two neighbouring zones in that list are 12 hours apart,
 * so at any hour of the day some of them are inside the default quiet hours and some are not.
 */
export const DEMO_INCIDENT = {
  // In both languages: New York's and London's subscribers read English.
  titles: { ru: 'Отказ магистрального транзитного узла', en: 'Core transit node failure' },
  publicMessages: { ru: 'Переключаем трафик филиалов на резервный канал.', en: 'We are moving the branches\' traffic to the backup link.' },
  regions: ['US-NYC', 'GB-LON', 'DE-BER', 'RU-KGD', 'RU-OMS', 'RU-IRK', 'RU-DVS', 'RU-KAM'],
  etrHours: 3,
};

export interface StoryContext {
  baseUrl: string;
  adminKey: string;
  config: AppConfig;
  /** The SMSC simulators: name, HTTP port and the URL of the texts each received. */
  smscs: Array<{ name: string; http: number; messagesUrl: string }>;
  smtpInboxUrl: string;
  log: (line: string) => void;
}

interface Incident {
  id: number;
  code: string;
  title: string;
  startedAt: string;
  etr: string | null;
  affected: number;
  statusUrl: string;
  manager: { name: string; phone: string } | null;
}

interface Preview {
  affected: number;
  inQuietHoursNow: number;
}

type Counts = Record<string, Record<string, number> | undefined>;

async function call<T>(ctx: StoryContext, method: string, path: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
  const res = await fetch(ctx.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${ctx.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → HTTP ${res.status} ${maskText(text.slice(0, 500))}`);
  return { body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/** The open demo incident if an earlier run left one, so re-runs do not pile incidents up. */
async function openDemoIncident(ctx: StoryContext): Promise<Incident | undefined> {
  const { body } = await call<{ items: Incident[] }>(ctx, 'GET', `/v1/incidents?status=open&areaCode=${DEMO_INCIDENT.regions[0]}&limit=200`);
  return body.items.find((i) => i.title === DEMO_INCIDENT.titles.ru);
}

function declareBody(now: number) {
  // The ETR on a quarter hour, as an operator would give it.
  const quarter = 15 * 60_000;
  const etr = Math.ceil((now + DEMO_INCIDENT.etrHours * 3_600_000) / quarter) * quarter;
  return {
    titles: DEMO_INCIDENT.titles,
    kind: 'outage',
    severity: 'major',
    scope: { areaCodes: DEMO_INCIDENT.regions },
    etr: new Date(etr).toISOString(),
    publicMessages: DEMO_INCIDENT.publicMessages,
  };
}

const n = (x: number) => x.toLocaleString('en');
const utc = (iso: string | number) => DateTime.fromMillis(typeof iso === 'number' ? iso : Date.parse(iso), { zone: 'utc' }).toFormat('HH:mm');

/** One line per region: its capital's local time now, and when its sleepers' texts go. */
function clockLines(config: AppConfig, now: number): string[] {
  const network = generateNetwork();
  const window = config.defaultQuietHours;
  return DEMO_INCIDENT.regions.map((code) => {
    const capital = network.areas.find((a) => a.code === `${code}-C01`)!;
    const zone = effectiveTimezone(network, capital.code)!;
    const local = DateTime.fromMillis(now, { zone });
    const label = `${capital.name} (UTC${local.toFormat('ZZ')})`.padEnd(38) + ' ';
    if (!isQuietAt(now, zone, window)) return `${label}${local.toFormat('HH:mm')}  awake   texts now`;
    return `${label}${local.toFormat('HH:mm')}  asleep  texts at ${formatHhMm(window.end)} local (${utc(nextAllowedAt(now, zone, window))} UTC)`;
  });
}

async function counts(ctx: StoryContext, id: number): Promise<{ threads: Counts; messages: Counts }> {
  const { body } = await call<{ stats: { threads: Counts; messages: Counts } }>(ctx, 'GET', `/v1/incidents/${id}`);
  return body.stats;
}

const accepted = (c: { messages: Counts }, channel: string) => {
  const m = c.messages[channel] ?? {};
  return (m.accepted ?? 0) + (m.delivered ?? 0);
};
const deferred = (c: { threads: Counts }) => c.threads.sms?.deferred ?? 0;
const progress = (c: { threads: Counts; messages: Counts }) =>
  `${n(accepted(c, 'sms'))} texts accepted by the SMSC, ${n(accepted(c, 'email'))} emails by the relay, ${n(deferred(c))} texts waiting for morning`;

/** How many text parts each SMSC simulator has taken so far (from its /stats). */
async function smscShares(ctx: StoryContext): Promise<string> {
  const took = await Promise.all(
    ctx.smscs.map(async (s) => {
      const stats = (await (await fetch(`http://127.0.0.1:${s.http}/stats`)).json()) as { submitted: number };
      return `${s.name} ${n(stats.submitted)}`;
    }),
  );
  return `parts taken by ${took.join(', ')}`;
}

/** Reports delivery while it moves; stops by itself once nothing changes for a while. */
function watch(ctx: StoryContext, id: number): void {
  let last = '';
  let still = 0;
  const timer = setInterval(() => {
    Promise.all([counts(ctx, id), smscShares(ctx)]).then(
      ([c, shares]) => {
        const line = `${progress(c)}; ${shares}`;
        if (line !== last) {
          ctx.log(`incident progress: ${line}`);
          last = line;
          still = 0;
        } else if (++still >= 6) clearInterval(timer);
      },
      () => clearInterval(timer),
    );
  }, 5000);
  timer.unref();
}

/** A re-run's peers start empty: say why, and what will still arrive. */
function reusedLines(c: { threads: Counts }, config: AppConfig): string[] {
  return [
    '    This incident was declared by an earlier run, and its first texts and emails went out then.',
    '    The SMSC simulator and the inbox start empty each run, so they show what goes out from now on:',
    `    the morning text of each sleeper whose ${formatHhMm(config.defaultQuietHours.end)} comes (${n(deferred(c))} still waiting), and the news you post below.`,
  ];
}

/** Declares (or finds) the sample incident and tells what is happening, with the URLs to watch it. */
export async function runStory(ctx: StoryContext): Promise<string[]> {
  const now = Date.now();
  const scope = { scope: { areaCodes: DEMO_INCIDENT.regions } };
  const { body: preview } = await call<Preview>(ctx, 'POST', '/v1/incidents/preview', scope);
  let incident = await openDemoIncident(ctx);
  const reused = !!incident;
  if (!incident) incident = (await call<Incident>(ctx, 'POST', '/v1/incidents', declareBody(now))).body;
  ctx.log(reused ? `reusing the open demo incident ${incident.code}` : `declared incident ${incident.code} over ${n(incident.affected)} subscribers`);

  // A fresh incident gets a few seconds for the worker to plan and the first texts to reach the SMSC.
  let c = await counts(ctx, incident.id);
  const until = Date.now() + 10_000;
  while (!reused && accepted(c, 'sms') === 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    c = await counts(ctx, incident.id);
  }
  const { headers } = await call<unknown[]>(ctx, 'GET', `/v1/incidents/${incident.id}/call-list?limit=1`);
  const toCall = Number(headers.get('x-total-count') ?? 0);
  watch(ctx, incident.id);

  const { config } = ctx;
  const awake = preview.affected - preview.inQuietHoursNow;
  const quiet = `${formatHhMm(config.defaultQuietHours.start)}–${formatHhMm(config.defaultQuietHours.end)}`;
  const auth = `-H "Authorization: Bearer ${ctx.adminKey}"`;
  const url = (path: string) => `${ctx.baseUrl}${path}`;
  const manager = incident.manager ? `${incident.manager.name}, direct line ${maskPhone(incident.manager.phone)}` : 'nobody on duty yet';
  return [
    '',
    'The story: a sample incident, declared through the API as a NOC operator would',
    `  ${incident.code}  "${incident.title}"`,
    `  ${reused ? 'Open since' : 'Declared'} ${utc(incident.startedAt)} UTC${incident.etr ? `, restoration expected ${utc(incident.etr)} UTC` : ''}` +
      `; ${n(preview.affected)} subscribers affected in ${DEMO_INCIDENT.regions.length} regions`,
    `  Outage manager: ${manager}; named in every message`,
    `  Right now: ${n(awake)} affected are awake, ${n(preview.inQuietHoursNow)} asleep (default quiet hours ${quiet} local;`,
    '  subscribers with quiet hours or a zone of their own follow theirs):',
    ...clockLines(config, now).map((l) => `    ${l}`),
    '',
    '  What is happening:',
    ...(reused ? reusedLines(c, config) : [
      `    Texts are going out to the ${n(awake)} awake subscribers through ${config.smscRoutes.length} SMSCs, half the numbers each`,
      `    (${config.smscRoutes.map((r) => `${r.name} grants ${r.maxRate || 'unlimited'} a second`).join(', ')}); either takes the other's when it has no bind.`,
      `    The ${n(preview.inQuietHoursNow)} asleep get none now: theirs wait until ${formatHhMm(config.defaultQuietHours.end)} their time,`,
      '    as one text with the latest news rather than a backlog.',
      config.notifications.emailQuietHours
        ? '    Emails wait for waking hours too (EMAIL_QUIET_HOURS=true).'
        : '    Emails go at once to every affected subscriber who has an address and agreed to email: email wakes nobody.',
    ]),
    `    The manager's call list names ${n(toCall)} customers to call personally (VIP, business, sensitive accounts),`,
    '    each callable only in their own waking hours.',
    `    So far: ${progress(c)}; ${await smscShares(ctx)}.`,
    '',
    '  Watch it:',
    `    Status page (public)     ${incident.statusUrl}`,
    ...ctx.smscs.map((s) => `    Texts at ${s.name.padEnd(16)}${s.messagesUrl}`),
    `    Emails in the inbox      ${ctx.smtpInboxUrl}`,
    `    Call list                ${url(`/v1/incidents/${incident.id}/call-list`)}`,
    `      curl -s ${auth} ${url(`/v1/incidents/${incident.id}/call-list`)}`,
    `    Delivery counts          curl -s ${auth} ${url(`/v1/incidents/${incident.id}`)}`,
    '  Then move the ETR and resolve it: the awake hear at once, the asleep get one morning text.',
    `      curl -s ${auth} -H 'Content-Type: application/json' -d '{"etr":"${new Date(now + 5 * 3_600_000).toISOString()}"}' ${url(`/v1/incidents/${incident.id}/updates`)}`,
    `      curl -s ${auth} -H 'Content-Type: application/json' -d '{}' ${url(`/v1/incidents/${incident.id}/resolve`)}`,
  ];
}
