import { Counter } from 'prom-client';

/** Delivery receipts by whether they found their SMS part (unknown: not within the grace period). */
export const receiptsCounter = new Counter({
  name: 'outage_sms_receipts_total',
  help: 'Delivery receipts received, by result: matched to a part we sent, or unknown id',
  labelNames: ['result'] as const,
});

/** Subscriber replies by what became of them; `dropped` are over the hourly limit of their number. */
export const repliesCounter = new Counter({
  name: 'outage_sms_replies_total',
  help: 'SMS replies (MO) received, by outcome',
  labelNames: ['outcome'] as const,
});
