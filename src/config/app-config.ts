import { isSupportedCountry } from 'libphonenumber-js';
import { isIP } from 'net';
import { isIanaZone, parseQuietWindow, QuietWindow } from '../common/validation';
import { QUEUES, QueueName } from '../jobs/queues';

export interface SmscConfig {
  host: string;
  port: number;
  systemId: string;
  password: string;
  sourceAddress: string;
  systemType: string;
  /**
   * Some SMSCs only take a transmitter + receiver pair. `transmitter` opens send-only binds: the
   * receipts and replies then come in on `receiverBinds`, in this process or in another.
   */
  bindMode: 'transceiver' | 'transmitter-receiver' | 'transmitter';
  /** Binds (pairs) kept open per worker process. */
  binds: number;
  /**
   * Receive-only binds (bind_receiver) besides `binds`, per worker process: receipts and replies
   * only. The SMSC keeps a window of unanswered deliver_sm per bind and a receipt is answered only
   * once written, so each bind that can receive adds a window of receipts in flight.
   */
  receiverBinds: number;
  /** Outstanding submit_sm per bind. */
  window: number;
  /** Messages a second for the whole account and per bind (what the SMSC grants); 0 = no limit. */
  maxRate: number;
  bindMaxRate: number;
  /** data_coding this SMSC reads as GSM 7-bit: 0 (SMSC default) or 1. UCS-2 is always 8. */
  gsmDataCoding: number;
  /** Long texts as UDH-concatenated parts, or one submit_sm with message_payload. */
  longMessages: 'udh' | 'payload';
  validityMinutes: number;
  responseTimeoutMs: number;
  enquireLinkSeconds: number;
  /** How long a part keeps being retried (throttling, errors, no bind) before the engine gets `retry`. */
  retryBudgetSeconds: number;
  /**
   * SMSC_PLAIN_TEXT_RECEIPTS: this SMSC sends receipts as plain messages (esm_class 0), so a
   * deliver_sm with receipted_message_id or an "id:… stat:…" text counts as a receipt. Off by
   * default, because then any subscriber can forge a receipt by texting that form.
   */
  plainTextReceipts: boolean;
}

/** One SMSC account and which destinations it takes. */
export interface SmscRoute extends SmscConfig {
  /** Labels its metrics and its parts in the ledger: receipts are matched within the SMSC that took the part. */
  name: string;
  /** Destination prefixes (digits of the E.164 number) it serves; none: any destination. The longest matching prefix wins. */
  prefixes: string[];
  /** Share of its prefix's texts among the SMSCs with that same prefix; 0: only when the others have no bind. */
  weight: number;
}

export interface SmtpConfig {
  host: string;
  port: number;
  user?: string;
  password?: string;
  from: string;
  /** TLS from the first byte (usually port 465); otherwise plain, upgraded per `starttls`. */
  secure: boolean;
  /** opportunistic: upgrade when the relay offers it; required: never send in clear; off: never upgrade. */
  starttls: 'opportunistic' | 'required' | 'off';
  /** Connections kept open to the relay; a batch sends this many messages at once. */
  poolSize: number;
  /** Messages a second across the pool (what the relay allows); 0 = no limit. */
  ratePerSecond: number;
  /** Connect, greeting and idle-socket timeout. */
  timeoutMs: number;
  /** How long a batch waits for an unreachable relay before handing its messages back untried. */
  relayWaitSeconds: number;
  /** Right-hand side of our Message-IDs: <msg-42.outage-notifier@DOMAIN>. */
  messageIdDomain: string;
}

/** Limits on each session towards PostgreSQL (ms, 0: none), so a failover or a slow query cannot hang the pool. */
export interface DatabaseTimeouts {
  /** statement_timeout: a statement running longer is cancelled (SQLSTATE 57014). */
  statementMs: number;
  /** lock_timeout: a statement waiting longer for a lock is cancelled (55P03). */
  lockMs: number;
  /** How long taking a new connection may last (connect and authenticate). */
  connectMs: number;
}

export type ProcessRole = 'api' | 'worker';

/** At most `points` in any `windowSeconds` (points 0: no limit). */
export interface RateLimit {
  points: number;
  windowSeconds: number;
}

/** What the api throttles (see RateLimits), answering 429 with Retry-After. */
export interface RateLimitsConfig {
  /** Wrong API keys per client address. */
  authFailures: RateLimit;
  /** Requests per API key. */
  apiRequests: RateLimit;
  /** Tracking codes and unsubscribe tokens that match nothing, per client address (known ones are never limited). */
  unknownCodes: RateLimit;
}

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is: one server (REDIS_URL), a Sentinel group watching one master
 * (REDIS_SENTINELS, REDIS_SENTINEL_NAME), or a Cluster (REDIS_CLUSTER_NODES: some of its nodes,
 * the rest are discovered). REDIS_PASSWORD is the servers' password in the last two forms.
 */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'sentinel'; sentinels: RedisNode[]; name: string; password?: string; sentinelPassword?: string }
  | { mode: 'cluster'; nodes: RedisNode[]; password?: string };

export interface AppConfig {
  env: string;
  port: number;
  databaseUrl: string;
  /**
   * Per role: the api answers people and should fail fast; the worker runs set-based statements
   * over millions of rows. DB_API_* / DB_WORKER_* + STATEMENT_TIMEOUT_MS, LOCK_TIMEOUT_MS, CONNECT_TIMEOUT_MS.
   * Imports keep a connection of their own without a statement timeout (an upload may last hours).
   */
  databaseTimeouts: Record<ProcessRole, DatabaseTimeouts>;
  /**
   * session: each connection of the pool is a PostgreSQL session, and the timeouts go with it.
   * transaction: behind PgBouncer in transaction mode, which refuses session parameters at
   * connect: the timeouts must then come from the server (role settings or PgBouncer's
   * connect_query), and the process checks at start that they do.
   */
  databasePoolMode: 'session' | 'transaction';
  redis: RedisTarget;
  adminApiKey?: string;
  defaultTimezone: string;
  defaultQuietHours: QuietWindow;
  defaultPhoneRegion: string;
  publicBaseUrl: string;
  /** HMAC key of the unsubscribe links in emails; unset: a random key kept in the database (see UnsubscribeLinks). */
  unsubscribeSecret?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  maxJsonBody: string;
  maxImportBytes: number;
  /** TRUST_PROXY: Express's "trust proxy" (false, true, a hop count, or addresses / subnets / loopback …), so req.secure follows X-Forwarded-Proto from those. */
  trustProxy: boolean | number | string;
  rateLimits: RateLimitsConfig;
  /** HSTS_MAX_AGE_SECONDS on responses served over HTTPS; 0: no HSTS. */
  hstsMaxAgeSeconds: number;
  /** API_DOCS / API_METRICS: serve /docs and /metrics (turn off where they should not be public). */
  docsEnabled: boolean;
  metricsEnabled: boolean;
  /**
   * REQUEST_TIMEOUT_SECONDS: how long any request but an import may take to arrive (Node's own
   * requestTimeout, 300 s, cannot be set per route, so the server's is off and this one is ours).
   * 0: none.
   */
  requestTimeoutSeconds: number;
  /** IMPORT_TIMEOUT_SECONDS: how long an import upload may last; past it, nothing is imported and the answer is a 408 saying so. 0: none. */
  importTimeoutSeconds: number;
  /** Where the message templates live (config/templates/<channel>/<locale>/<kind>.txt). */
  templatesDir: string;
  /** Subscriber flags that put a customer near the top of the call list. */
  callListFlags: string[];
  /** Jobs a worker process runs at once, per queue. */
  workerConcurrency: number;
  /** Email delivery batches a worker process runs at once: fewer, so texts get most of the database while both are due. */
  emailWorkerConcurrency: number;
  /** The queues this worker process takes jobs from; undefined: all. E.g. email in a process of its own. */
  workerQueues?: QueueName[];
  /** The SMSC_* settings: the one SMSC, or what every SMSC_ROUTES entry leaves out. */
  smsc: SmscConfig;
  /** The SMSCs texts go through (one, `default`, unless SMSC_ROUTES lists several). */
  smscRoutes: SmscRoute[];
  smtp: SmtpConfig;
  notifications: NotificationsConfig;
  inbound: InboundConfig;
  /** On shutdown, how long in-flight jobs may take before the worker leaves them to expire and be retried. */
  shutdownGraceSeconds: number;
  /** live: SMPP and SMTP; noop: accept and drop every message (benchmarks of the engine alone). */
  channels: 'live' | 'noop';
  /** Port of the worker's Prometheus /metrics (0: none). */
  workerMetricsPort: number;
  /**
   * Prefix of every Redis key (the queues', the workers' SMSC reports): separate deployments (or
   * test runs) may share one Redis. On a Cluster it is a hash tag, `{outage}`, so that each
   * queue's keys share a slot as BullMQ's scripts need (see redisPrefix).
   */
  queuePrefix: string;
  /** How often the worker looks for scheduled maintenance whose start has come. */
  maintenanceStartIntervalMs: number;
  retention: RetentionConfig;
}

/** How long personal data is kept (src/retention). */
export interface RetentionConfig {
  /** Message bodies and recipients, reply texts, call notes, quarantined replies. */
  days: number;
  /** Rows of the audit log. */
  auditDays: number;
  /** How often the worker's retention job runs. */
  intervalMs: number;
}

export interface NotificationsConfig {
  etrLaterMinutes: number;
  etrEarlierMinutes: number;
  /** null: an outage over before anyone could be told gets no morning summary. */
  summaryMinMinutes: number | null;
  reassuranceHours: number;
  followupHours: number;
  /** SMS per subscriber per rolling 24 h, across incidents. */
  smsDailyCap: number;
  /** Whether email waits for waking hours too (SMS always does). */
  emailQuietHours: boolean;
  /** Threads per delivery job. */
  batchSize: number;
  /** How long a delivery batch may hold its threads (its transaction) before the database takes them back. */
  leaseSeconds: number;
  dispatchIntervalMs: number;
}

/** Delivery receipts and subscribers' SMS replies (src/inbound). */
export interface InboundConfig {
  /** How long a receipt whose id is not recorded yet is kept and matched again before it counts as unknown. */
  receiptGraceSeconds: number;
  /** Replies one number may send an hour; more are dropped, only counted. */
  hourlyReplyLimit: number;
  /** How long after a follow-up SMS a bare 1-5 counts as the rating of its incident. */
  ratingWindowDays: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is missing');
  return value;
}

function optional(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function integer(env: Env, name: string, fallback: number, min = 1, max = 65535): number {
  const raw = optional(env, name, String(fallback));
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name, String(fallback)).toLowerCase();
  if (!['true', 'false', '1', '0', 'on', 'off'].includes(raw)) throw new ConfigError(name, `must be true or false, got "${raw}"`);
  return ['true', '1', 'on'].includes(raw);
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string {
  const raw = fallback === undefined ? required(env, name) : optional(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = optional(env, name, fallback);
  if (!values.includes(raw as T)) throw new ConfigError(name, `must be ${values.join(' or ')}, got "${raw}"`);
  return raw as T;
}

/** SmscConfig's fields and what they default to without SMSC_* variables. */
const SMSC_DEFAULTS: SmscConfig = {
  host: '127.0.0.1', port: 2775, systemId: 'outage', password: 'secret', sourceAddress: 'Outages', systemType: '',
  bindMode: 'transceiver', binds: 1, receiverBinds: 1, window: 50, maxRate: 100, bindMaxRate: 0, gsmDataCoding: 0, longMessages: 'udh',
  validityMinutes: 360, responseTimeoutMs: 10_000, enquireLinkSeconds: 30, retryBudgetSeconds: 30, plainTextReceipts: false,
};

/** SMSC_SYSTEM_ID for systemId. */
const smscVariable = (field: string) => `SMSC_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/**
 * One SMSC's settings, each read from `env[name(field)]` and else taken from `base`: the SMSC_*
 * variables over the built-in defaults, or one SMSC_ROUTES entry over the SMSC_* settings.
 */
function smscConfig(env: Env, name: (field: keyof SmscConfig) => string = smscVariable, base: SmscConfig = SMSC_DEFAULTS): SmscConfig {
  const sourceAddress = optional(env, name('sourceAddress'), base.sourceAddress);
  // Handsets show at most 11 characters of an alphanumeric sender; SMSCs refuse longer ones.
  if (!/^\+?\d{1,20}$/.test(sourceAddress) && !/^[\x20-\x7e]{1,11}$/.test(sourceAddress)) {
    throw new ConfigError(name('sourceAddress'), `must be a number or 1-11 ASCII characters, got "${sourceAddress}"`);
  }
  const gsmDataCoding = optional(env, name('gsmDataCoding'), String(base.gsmDataCoding));
  if (gsmDataCoding !== '0' && gsmDataCoding !== '1') throw new ConfigError(name('gsmDataCoding'), `must be 0 or 1, got "${gsmDataCoding}"`);
  return {
    host: optional(env, name('host'), base.host),
    port: integer(env, name('port'), base.port),
    systemId: optional(env, name('systemId'), base.systemId),
    password: optional(env, name('password'), base.password),
    sourceAddress,
    systemType: env[name('systemType')]?.trim() ?? base.systemType,
    bindMode: oneOf(env, name('bindMode'), ['transceiver', 'transmitter-receiver', 'transmitter'], base.bindMode),
    binds: integer(env, name('binds'), base.binds, 1, 32),
    receiverBinds: integer(env, name('receiverBinds'), base.receiverBinds, 0, 32),
    window: integer(env, name('window'), base.window, 1, 1000),
    maxRate: integer(env, name('maxRate'), base.maxRate, 0, 100_000),
    bindMaxRate: integer(env, name('bindMaxRate'), base.bindMaxRate, 0, 100_000),
    gsmDataCoding: Number(gsmDataCoding),
    longMessages: oneOf(env, name('longMessages'), ['udh', 'payload'], base.longMessages),
    validityMinutes: integer(env, name('validityMinutes'), base.validityMinutes, 1, 43_200),
    responseTimeoutMs: integer(env, name('responseTimeoutMs'), base.responseTimeoutMs, 100, 120_000),
    enquireLinkSeconds: integer(env, name('enquireLinkSeconds'), base.enquireLinkSeconds, 1, 3600),
    retryBudgetSeconds: integer(env, name('retryBudgetSeconds'), base.retryBudgetSeconds, 1, 3600),
    plainTextReceipts: flag(env, name('plainTextReceipts'), base.plainTextReceipts),
  };
}

/** The name of the SMSC configured by the SMSC_* variables alone (and of every part recorded before routes existed). */
export const DEFAULT_SMSC = 'default';
const ROUTE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const ROUTE_FIELDS = ['name', 'prefixes', 'weight', ...Object.keys(SMSC_DEFAULTS)];

/**
 * SMSC_ROUTES: a JSON array of SMSCs, each `{name, prefixes?, weight?, …SmscConfig fields}`;
 * a field left out takes its SMSC_* value. Unset: one route, `default`, from SMSC_* alone.
 */
function smscRoutes(env: Env, base: SmscConfig): SmscRoute[] {
  const raw = env.SMSC_ROUTES?.trim();
  if (!raw) return [{ ...base, name: DEFAULT_SMSC, prefixes: [], weight: 1 }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    // Not the parser's message: it quotes the text, passwords and all.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new ConfigError('SMSC_ROUTES', `is not valid JSON${at ? ` (at character ${at})` : ''}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new ConfigError('SMSC_ROUTES', 'must be a JSON array of at least one SMSC');
  const routes = parsed.map((entry: unknown, i): SmscRoute => {
    const at = `SMSC_ROUTES[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(at, 'must be an object');
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).find((k) => !ROUTE_FIELDS.includes(k));
    if (unknown) throw new ConfigError(`${at}.${unknown}`, `is not a setting of an SMSC (${ROUTE_FIELDS.join(', ')})`);
    const name = fields.name;
    if (typeof name !== 'string' || !ROUTE_NAME.test(name)) throw new ConfigError(`${at}.name`, `must be 1-32 of a-z, 0-9, _ and -, got ${JSON.stringify(name)}`);
    const prefixes = fields.prefixes ?? [];
    if (!Array.isArray(prefixes) || !prefixes.every((p) => typeof p === 'string' && /^\+?\d{1,15}$/.test(p))) {
      throw new ConfigError(`${at}.prefixes`, `must be a list of destination prefixes such as "+7916", got ${JSON.stringify(prefixes)}`);
    }
    const scalars: Env = {};
    for (const [k, v] of Object.entries(fields)) if (k !== 'prefixes' && v !== null && typeof v !== 'object') scalars[`${at}.${k}`] = String(v);
    const objectField = Object.keys(fields).find((k) => k !== 'prefixes' && typeof fields[k] === 'object' && fields[k] !== null);
    if (objectField) throw new ConfigError(`${at}.${objectField}`, 'must be a string, number or boolean');
    return {
      ...smscConfig(scalars, (field) => `${at}.${field}`, base),
      name,
      prefixes: prefixes.map((p: string) => p.replace(/^\+/, '')),
      weight: integer(scalars, `${at}.weight`, 1, 0, 1000),
    };
  });
  const names = routes.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new ConfigError('SMSC_ROUTES', `names "${twice}" twice: each SMSC needs a name of its own (receipts are matched by it)`);
  const uncovered = routes.every((r) => r.prefixes.length > 0);
  if (uncovered) throw new ConfigError('SMSC_ROUTES', 'needs an SMSC without prefixes, for destinations no prefix matches');
  if (routes.every((r) => r.weight === 0)) throw new ConfigError('SMSC_ROUTES', 'needs an SMSC with a weight above 0');
  return routes;
}

const DOMAIN = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function smtpConfig(env: Env): SmtpConfig {
  const from = optional(env, 'SMTP_FROM', 'Outage Notifier <noreply@example.net>');
  const fromDomain = /@([A-Za-z0-9.-]+)>?$/.exec(from)?.[1];
  if (!fromDomain) throw new ConfigError('SMTP_FROM', `must be an address or "Name <address>", got "${from}"`);
  const messageIdDomain = optional(env, 'SMTP_MESSAGE_ID_DOMAIN', fromDomain);
  if (!DOMAIN.test(messageIdDomain)) throw new ConfigError('SMTP_MESSAGE_ID_DOMAIN', `must be a domain name, got "${messageIdDomain}"`);
  return {
    host: optional(env, 'SMTP_HOST', '127.0.0.1'),
    port: integer(env, 'SMTP_PORT', 1025),
    user: env.SMTP_USER?.trim() || undefined,
    password: env.SMTP_PASSWORD?.trim() || undefined,
    from,
    secure: oneOf(env, 'SMTP_SECURE', ['true', 'false'], 'false') === 'true',
    starttls: oneOf(env, 'SMTP_STARTTLS', ['opportunistic', 'required', 'off'], 'opportunistic'),
    poolSize: integer(env, 'SMTP_POOL_SIZE', 5, 1, 100),
    ratePerSecond: integer(env, 'SMTP_RATE_PER_SECOND', 0, 0, 100_000),
    timeoutMs: integer(env, 'SMTP_TIMEOUT_MS', 30_000, 1000, 600_000),
    relayWaitSeconds: integer(env, 'SMTP_RELAY_WAIT_SECONDS', 30, 1, 3600),
    messageIdDomain,
  };
}

function redisNodes(env: Env, name: string): RedisNode[] {
  return required(env, name)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError(name, `must be host:port[,host:port…], got "${item}"`);
      return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    });
}

function redisTarget(env: Env): RedisTarget {
  const password = env.REDIS_PASSWORD?.trim() || undefined;
  const cluster = !!env.REDIS_CLUSTER_NODES?.trim();
  if (cluster && env.REDIS_SENTINELS?.trim()) throw new ConfigError('REDIS_CLUSTER_NODES', 'cannot be set together with REDIS_SENTINELS: a deployment uses one or the other');
  if (cluster) return { mode: 'cluster', nodes: redisNodes(env, 'REDIS_CLUSTER_NODES'), password };
  if (env.REDIS_SENTINELS?.trim()) {
    return {
      mode: 'sentinel',
      sentinels: redisNodes(env, 'REDIS_SENTINELS'),
      name: optional(env, 'REDIS_SENTINEL_NAME', 'mymaster'),
      password,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD?.trim() || undefined,
    };
  }
  return { mode: 'single', url: url(env, 'REDIS_URL', ['redis:', 'rediss:']) };
}

/**
 * The key prefix as given, or on a Cluster wrapped in braces when it has no hash tag yet: Redis
 * then hashes only the part between the first `{` and the next `}`, so every key of the
 * deployment lands in one slot, as BullMQ's multi-key scripts require.
 */
export function redisPrefix(prefix: string, mode: RedisTarget['mode']): string {
  const open = prefix.indexOf('{');
  const tagged = open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
  return mode === 'cluster' && !tagged ? `{${prefix}}` : prefix;
}

function databaseTimeouts(env: Env, role: ProcessRole, defaults: DatabaseTimeouts): DatabaseTimeouts {
  const prefix = `DB_${role.toUpperCase()}_`;
  return {
    statementMs: integer(env, `${prefix}STATEMENT_TIMEOUT_MS`, defaults.statementMs, 0, 86_400_000),
    lockMs: integer(env, `${prefix}LOCK_TIMEOUT_MS`, defaults.lockMs, 0, 86_400_000),
    connectMs: integer(env, `${prefix}CONNECT_TIMEOUT_MS`, defaults.connectMs, 0, 600_000),
  };
}

function rateLimit(env: Env, name: string, points: number, windowSeconds: number): RateLimit {
  return {
    points: integer(env, `RATE_LIMIT_${name}`, points, 0, 1_000_000),
    windowSeconds: integer(env, `RATE_LIMIT_${name}_WINDOW_SECONDS`, windowSeconds, 1, 86_400),
  };
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(env: Env): boolean | number | string {
  const raw = optional(env, 'TRUST_PROXY', 'false');
  if (raw === 'false' || raw === 'true') return raw === 'true';
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const items = raw.split(',').map((s) => s.trim());
  const ok = items.every((i) => PROXY_NAMES.includes(i) || (isIP(i.split('/')[0]) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(i)));
  if (!ok) throw new ConfigError('TRUST_PROXY', `must be true, false, a hop count, or addresses / subnets / ${PROXY_NAMES.join(' / ')}, got "${raw}"`);
  return items.join(',');
}

/** UNSUBSCRIBE_SECRET when set. Never derived from anything: without it, a random key is made once and kept in the database. */
function unsubscribeSecret(env: Env): string | undefined {
  const secret = env.UNSUBSCRIBE_SECRET?.trim();
  if (secret && secret.length < 32) throw new ConfigError('UNSUBSCRIBE_SECRET', 'must be at least 32 characters');
  return secret || undefined;
}

/** Builds the one typed configuration object from the environment; throws naming the variable. */
function workerQueues(env: Env): QueueName[] | undefined {
  const all = Object.values(QUEUES) as QueueName[];
  const raw = env.WORKER_QUEUES;
  if (raw === undefined || raw.trim() === '') return undefined;
  const names = raw.split(',').map((q) => q.trim()).filter(Boolean);
  const unknown = names.filter((q) => !all.includes(q as QueueName));
  if (unknown.length || names.length === 0) throw new ConfigError('WORKER_QUEUES', `must list some of ${all.join(', ')}, got "${raw}"`);
  return names as QueueName[];
}

export function loadConfig(env: Env = process.env): AppConfig {
  const defaultTimezone = optional(env, 'DEFAULT_TIMEZONE', 'Europe/Moscow');
  if (!isIanaZone(defaultTimezone)) {
    throw new ConfigError('DEFAULT_TIMEZONE', `is not an IANA time zone: "${defaultTimezone}"`);
  }
  const quiet = optional(env, 'DEFAULT_QUIET_HOURS', '21:00-09:00');
  const [qs, qe, ...rest] = quiet.split('-');
  const defaultQuietHours = rest.length === 0 && qe !== undefined ? parseQuietWindow(qs, qe) : undefined;
  if (!defaultQuietHours) throw new ConfigError('DEFAULT_QUIET_HOURS', `must look like 21:00-09:00, got "${quiet}"`);

  const region = optional(env, 'DEFAULT_PHONE_REGION', 'RU').toUpperCase();
  // An unknown region would not fail anywhere: every national number would just be "invalid".
  if (!/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region)) {
    throw new ConfigError('DEFAULT_PHONE_REGION', `must be an ISO country code with a phone numbering plan, got "${region}"`);
  }

  const adminApiKey = env.ADMIN_API_KEY?.trim() || undefined;
  if (adminApiKey !== undefined && adminApiKey.length < 16) {
    throw new ConfigError('ADMIN_API_KEY', 'must be at least 16 characters');
  }
  const logLevel = optional(env, 'LOG_LEVEL', 'info');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be debug, info, warn or error, got "${logLevel}"`);
  }
  const port = integer(env, 'PORT', 3000);
  // express.json() treats a limit it cannot parse as "no limit", so a typo must stop the boot.
  const maxJsonBody = optional(env, 'MAX_JSON_BODY', '1mb');
  if (!/^[1-9]\d*(\.\d+)?\s*(b|kb|mb)?$/i.test(maxJsonBody)) {
    throw new ConfigError('MAX_JSON_BODY', `must be a size such as 512kb or 1mb, got "${maxJsonBody}"`);
  }

  const environment = optional(env, 'NODE_ENV', 'development');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);

  const smsc = smscConfig(env);
  const redis = redisTarget(env);
  const config: AppConfig = {
    env: environment,
    port,
    databaseUrl,
    databaseTimeouts: {
      api: databaseTimeouts(env, 'api', { statementMs: 30_000, lockMs: 10_000, connectMs: 5_000 }),
      worker: databaseTimeouts(env, 'worker', { statementMs: 600_000, lockMs: 60_000, connectMs: 10_000 }),
    },
    databasePoolMode: oneOf(env, 'DATABASE_POOL_MODE', ['session', 'transaction'] as const, 'session'),
    redis,
    adminApiKey,
    defaultTimezone,
    defaultQuietHours,
    defaultPhoneRegion: region,
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', ['http:', 'https:'], `http://localhost:${port}`).replace(/\/$/, ''),
    unsubscribeSecret: unsubscribeSecret(env),
    logLevel: logLevel as AppConfig['logLevel'],
    maxJsonBody,
    templatesDir: optional(env, 'TEMPLATES_DIR', 'config/templates'),
    callListFlags: optional(env, 'CALL_LIST_FLAGS', 'sensitive,medical,life-support')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    maxImportBytes: integer(env, 'MAX_IMPORT_MB', 2048, 1, 1_000_000) * 1024 * 1024,
    trustProxy: trustProxy(env),
    rateLimits: {
      authFailures: rateLimit(env, 'AUTH_FAILURES', 20, 600),
      apiRequests: rateLimit(env, 'API_REQUESTS', 1200, 60),
      unknownCodes: rateLimit(env, 'UNKNOWN_CODES', 30, 600),
    },
    hstsMaxAgeSeconds: integer(env, 'HSTS_MAX_AGE_SECONDS', 31_536_000, 0, 63_072_000),
    docsEnabled: flag(env, 'API_DOCS', true),
    metricsEnabled: flag(env, 'API_METRICS', true),
    requestTimeoutSeconds: integer(env, 'REQUEST_TIMEOUT_SECONDS', 300, 0, 86_400),
    importTimeoutSeconds: integer(env, 'IMPORT_TIMEOUT_SECONDS', 4 * 3600, 0, 7 * 86_400),
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 4, 1, 1000),
    emailWorkerConcurrency: integer(env, 'EMAIL_WORKER_CONCURRENCY', 1, 1, 1000),
    workerQueues: workerQueues(env),
    smsc,
    smscRoutes: smscRoutes(env, smsc),
    queuePrefix: redisPrefix(optional(env, 'QUEUE_PREFIX', 'outage'), redis.mode),
    channels: oneOf(env, 'CHANNELS', ['live', 'noop'] as const, 'live'),
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 30, 0, 3600),
    workerMetricsPort: integer(env, 'WORKER_METRICS_PORT', 9464, 0, 65535),
    maintenanceStartIntervalMs: integer(env, 'MAINTENANCE_START_INTERVAL_MS', 10_000, 50, 600_000),
    retention: {
      days: integer(env, 'RETENTION_DAYS', 90, 1, 36_500),
      auditDays: integer(env, 'AUDIT_RETENTION_DAYS', 365, 1, 36_500),
      intervalMs: integer(env, 'RETENTION_INTERVAL_MINUTES', 60, 1, 1440) * 60_000,
    },
    notifications: {
      etrLaterMinutes: integer(env, 'ETR_LATER_MINUTES', 30, 1, 10_000),
      etrEarlierMinutes: integer(env, 'ETR_EARLIER_MINUTES', 60, 1, 10_000),
      summaryMinMinutes: flag(env, 'OVERNIGHT_SUMMARY', true) ? integer(env, 'OVERNIGHT_SUMMARY_MIN_MINUTES', 30, 0, 10_000) : null,
      reassuranceHours: integer(env, 'REASSURANCE_HOURS', 12, 1, 1000),
      followupHours: integer(env, 'FOLLOWUP_HOURS', 2, 1, 1000),
      smsDailyCap: integer(env, 'SMS_DAILY_CAP', 4, 1, 1000),
      emailQuietHours: flag(env, 'EMAIL_QUIET_HOURS', false),
      batchSize: integer(env, 'DELIVERY_BATCH_SIZE', 1000, 1, 10_000),
      leaseSeconds: integer(env, 'CLAIM_LEASE_SECONDS', 300, 1, 86_400),
      dispatchIntervalMs: integer(env, 'DISPATCH_INTERVAL_MS', 1000, 50, 60_000),
    },
    inbound: {
      receiptGraceSeconds: integer(env, 'INBOUND_RECEIPT_GRACE_SECONDS', 360, 0, 86_400),
      hourlyReplyLimit: integer(env, 'INBOUND_HOURLY_LIMIT', 10, 1, 10_000),
      ratingWindowDays: integer(env, 'RATING_WINDOW_DAYS', 7, 1, 365),
    },
    smtp: smtpConfig(env),
  };
  // A receipt can only match once its batch has committed, which may take up to the lease.
  if (config.inbound.receiptGraceSeconds < config.notifications.leaseSeconds) {
    throw new ConfigError(
      'INBOUND_RECEIPT_GRACE_SECONDS',
      `must be at least CLAIM_LEASE_SECONDS (${config.notifications.leaseSeconds}): a receipt may come before its batch is recorded`,
    );
  }
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
