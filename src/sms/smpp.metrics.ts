import { Counter, Gauge, Histogram } from 'prom-client';

/** Labels of every SMPP metric: the SMSC (its route name) and the bind (transceiver#1, receiver#2 …). */
const labelNames = ['smsc', 'bind'] as const;

/** What an SMSC client tells about its binds at scrape time. */
export interface BindsSource {
  smsc: string;
  binds(): Array<{ bind: string; bound: boolean; inFlight: number }>;
}

/** The SMSC clients running in this process: gauges are read from them at scrape time, never written on the hot path. */
const sources = new Set<BindsSource>();

export function reportBinds(source: BindsSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

function eachBind(gauge: Gauge<(typeof labelNames)[number]>, value: (b: ReturnType<BindsSource['binds']>[number]) => number): void {
  gauge.reset();
  for (const source of sources) for (const b of source.binds()) gauge.set({ smsc: source.smsc, bind: b.bind }, value(b));
}

export const smppBound = new Gauge({
  name: 'outage_smpp_bound',
  help: 'Whether the bind is bound (1) or not (0)',
  labelNames,
  collect() {
    eachBind(this, (b) => (b.bound ? 1 : 0));
  },
});

export const smppWindowInUse = new Gauge({
  name: 'outage_smpp_window_in_use',
  help: 'submit_sm sent on the bind and not answered yet',
  labelNames,
  collect() {
    eachBind(this, (b) => b.inFlight);
  },
});

export const smppSubmitSeconds = new Histogram({
  name: 'outage_smpp_submit_seconds',
  help: 'Time from writing a submit_sm to its submit_sm_resp',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const smppThrottled = new Counter({
  name: 'outage_smpp_throttled_total',
  help: 'submit_sm answered with a throttling status (0x58 ESME_RTHROTTLED, 0x14 ESME_RMSGQFUL)',
  labelNames,
});

/** Each is sent again (see SubmitOutcome): one the SMSC did take reaches the handset twice. */
export const smppUnanswered = new Counter({
  name: 'outage_smpp_submit_unanswered_total',
  help: 'submit_sm written but never answered (timed out, or the session was lost): sent again, so the SMSC may have it twice',
  labelNames,
});

export const smppReconnects = new Counter({
  name: 'outage_smpp_reconnects_total',
  help: 'Sessions lost (or never bound) and opened again',
  labelNames,
});

/** Across all workers (the count is the database's): take the max over workers, not the sum. No bind label. */
export const smppReceiptsUnmatched = new Gauge({
  name: 'outage_smpp_receipts_unmatched',
  help: 'Delivery receipts waiting for their part to be recorded (all workers), by SMSC',
  labelNames,
});

export const smppReceiptLagSeconds = new Histogram({
  name: 'outage_smpp_receipt_lag_seconds',
  help: 'Time from handing a text over (its batch) to its final delivery receipt, by SMSC and the bind the receipt came on',
  labelNames,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
});
