import { Counter, Gauge, Histogram } from 'prom-client';

/** The SMTP channel's metrics (worker role), per worker process. */

/** result: accepted, 4xx, 5xx (the relay's reply class), unreachable (no reply: refused, reset, timed out, DNS), other. */
export const smtpSendSeconds = new Histogram({
  name: 'outage_smtp_send_seconds',
  help: 'One SMTP transaction on the pool, by result (accepted, 4xx, 5xx, unreachable, other); _count by result counts the relay replies',
  labelNames: ['result'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

export const smtpPoolConnections = new Gauge({
  name: 'outage_smtp_pool_connections',
  help: 'SMTP pool connections: in_use (a transaction running on it) and max (SMTP_POOL_SIZE)',
  labelNames: ['state'] as const,
});

/** 1 from the first failure to reach the relay until a transaction reaches it again. */
export const smtpRelayUnreachable = new Gauge({
  name: 'outage_smtp_relay_unreachable',
  help: '1 while the mail relay cannot be reached (the last attempt got no SMTP reply), else 0',
});

export const smtpRelayWaits = new Counter({
  name: 'outage_smtp_relay_waits_total',
  help: 'Email batches that found the relay unreachable and waited for it, by outcome (reached: it came back in time; gave_up: the rest went back untried)',
  labelNames: ['outcome'] as const,
});
