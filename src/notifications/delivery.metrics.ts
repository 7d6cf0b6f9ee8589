import { Counter, Histogram } from 'prom-client';
import type { IncidentTiming } from './notifications.repository';

/**
 * The engine's own metrics (worker role). Labels stay few and bounded: channel, message kind,
 * incident kind and severity; never an incident, a subscriber or an address.
 */

/** Seconds from a few to several hours: a first notice should go within seconds, the last awake one within minutes. */
const KPI_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];

export const firstHandedOverSeconds = new Histogram({
  name: 'outage_incident_first_message_seconds',
  help: 'From declaring an incident to the first of its messages accepted by the SMSC or the mail relay',
  labelNames: ['kind', 'severity'] as const,
  buckets: KPI_BUCKETS,
});

export const awakeToldSeconds = new Histogram({
  name: 'outage_incident_awake_notified_seconds',
  help: 'From declaring an incident to every subscriber who was awake having their notice accepted (nothing of it due any more)',
  labelNames: ['kind', 'severity'] as const,
  buckets: KPI_BUCKETS,
});

/**
 * A message's way: handed_over (given to the channel), then accepted or failed there (a 5xx, a
 * rejected destination, or tries used up), then from the SMSC's receipts delivered, expired,
 * undeliverable or rejected.
 */
export const messagesCounter = new Counter({
  name: 'outage_messages_total',
  help: 'Messages by channel, message kind and what became of them (handed_over, accepted, failed, delivered, expired, undeliverable, rejected)',
  labelNames: ['channel', 'kind', 'outcome'] as const,
});

/** untried: never handed over (no bind, relay away, batch deadline, shutting down); temporary: the channel said not now. */
export const retriesCounter = new Counter({
  name: 'outage_delivery_retries_total',
  help: 'Messages put back to be tried again, by channel and reason (untried, temporary)',
  labelNames: ['channel', 'reason'] as const,
});

export const batchPhaseSeconds = new Histogram({
  name: 'outage_delivery_batch_phase_seconds',
  help: 'Time a delivery batch spends in each phase: claim (lock and read), decide (and render), send (the channel), record (write and commit)',
  labelNames: ['channel', 'phase'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
});

export const planningSeconds = new Histogram({
  name: 'outage_planning_seconds',
  help: 'Time to mark an incident change due for all its affected subscribers',
  labelNames: ['kind'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
});

/** Observes the incidents that reached a KPI's moment (those marked but not measured are left out). */
export function observeKpi(histogram: Histogram<'kind' | 'severity'>, incidents: IncidentTiming[]): void {
  for (const i of incidents) if (i.measured) histogram.observe({ kind: i.kind, severity: i.severity }, i.seconds);
}
