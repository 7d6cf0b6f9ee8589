import { statusUrl } from '../../incidents/public-code';
import { MessageKind, RenderInput, TemplateChannel, TemplateLocale } from './template.types';

export const SAMPLE_CODE = '7KQF-M2XA';
const ZONE = 'Europe/Moscow';
const NOW = new Date('2026-11-24T07:10:00Z'); // 10:10 in Moscow
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000);
const TODAY_1800 = new Date('2026-11-24T15:00:00Z');
const TOMORROW_0930 = new Date('2026-11-25T06:30:00Z');
const LATER = new Date('2026-11-27T15:00:00Z');

/** Incident state as each kind of message would typically see it. */
const STATE: Record<MessageKind, Partial<RenderInput['incident']>> = {
  notice: { status: 'investigating', startedAt: hoursAgo(0.5), etr: TODAY_1800 },
  etr_change: { status: 'identified', startedAt: hoursAgo(3), etr: TOMORROW_0930, previousEtr: TODAY_1800, etrSlips: 3 },
  restored: { status: 'resolved', startedAt: hoursAgo(2.4), etr: TODAY_1800, resolvedAt: hoursAgo(0.1) },
  summary: { status: 'resolved', startedAt: new Date('2026-11-23T22:20:00Z'), resolvedAt: new Date('2026-11-24T01:05:00Z') },
  correction: { status: 'cancelled', startedAt: hoursAgo(1), etr: TODAY_1800 },
  reassurance: { status: 'identified', startedAt: hoursAgo(14.5), etr: TOMORROW_0930, previousEtr: TOMORROW_0930, etrSlips: 1 },
  followup: { status: 'resolved', startedAt: hoursAgo(5), etr: TODAY_1800, resolvedAt: hoursAgo(2) },
};

/**
 * A typical Russian subscriber of a Russian operator: long-ish Cyrillic names make every SMS
 * UCS-2, which is what the two-segment check at start-up is about.
 */
export function sampleInput(kind: MessageKind, locale: TemplateLocale, channel: TemplateChannel, publicBaseUrl: string): RenderInput {
  return {
    kind,
    locale,
    channel,
    timezone: ZONE,
    now: NOW,
    subscriberName: 'Александра Воскресенская',
    incident: {
      code: SAMPLE_CODE,
      title: 'Нет интернета и ТВ в Ленинском районе',
      kind: 'outage',
      status: 'investigating',
      startedAt: hoursAgo(1),
      etr: null,
      previousEtr: null,
      etrSlips: 0,
      resolvedAt: null,
      publicMessage: 'Повреждён магистральный кабель, бригада уже на месте.',
      ...STATE[kind],
    },
    manager: { name: 'Екатерина Воронцова', phone: '+79131234567' },
    statusUrl: statusUrl(publicBaseUrl, SAMPLE_CODE, locale),
    unsubscribeUrl: channel === 'email' ? `${publicBaseUrl}/unsubscribe/${'x'.repeat(32)}` : undefined,
  };
}

/** The sample and its variations that change an SMS's length: incident kind, no manager, other ETRs. */
export function sampleVariants(base: RenderInput): RenderInput[] {
  const variants: RenderInput[] = [];
  for (const kind of ['outage', 'degradation', 'maintenance'] as const) {
    for (const manager of [base.manager, null]) {
      for (const etr of [base.incident.etr, LATER, null]) {
        variants.push({ ...base, manager, incident: { ...base.incident, kind, etr } });
      }
    }
  }
  return variants;
}
