import { durationPhrase, etrPhrase, kindWord, localClock, managerLine, ordinal, statusWord } from './phrases';
import { TemplateVars } from './template-syntax';
import { RenderInput } from './template.types';

/** Every variable a template may use: `text` is printed or tested, `flag` is only tested with #if. */
export const TEMPLATE_VARIABLES = {
  name: 'text',
  code: 'text',
  title: 'text',
  kindWord: 'text',
  status: 'text',
  publicMessage: 'text',
  statusUrl: 'text',
  unsubscribeUrl: 'text',
  etr: 'text',
  previousEtr: 'text',
  slips: 'text',
  slipsOrdinal: 'text',
  duration: 'text',
  startTime: 'text',
  endTime: 'text',
  manager: 'text',
  managerName: 'text',
  managerPhone: 'text',
  outage: 'flag',
  degradation: 'flag',
  maintenance: 'flag',
  etrKnown: 'flag',
  previousEtrKnown: 'flag',
  etrLater: 'flag',
  etrEarlier: 'flag',
  repeatedSlip: 'flag',
  hasManager: 'flag',
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

export type AllVars = TemplateVars & Record<TemplateVariable, string | boolean>;
export type SharedVars = Omit<Record<TemplateVariable, string | boolean>, 'name' | 'unsubscribeUrl'>;

/** The values of every variable for one message; times in the subscriber's zone and language. */
export function templateVars(input: RenderInput): AllVars {
  return { ...sharedVars(input), name: input.subscriberName.trim(), unsubscribeUrl: input.unsubscribeUrl ?? '' };
}

/**
 * `shared` with one reader's name and unsubscribe link over it, as a prototype chain: a batch of
 * texts computes the rest once (by incident, kind, language, zone, previous ETR) and copies nothing.
 */
export function readerVars(shared: SharedVars, subscriberName: string, unsubscribeUrl: string | undefined): AllVars {
  const vars: Record<string, string | boolean> = Object.create(shared);
  vars.name = subscriberName.trim();
  vars.unsubscribeUrl = unsubscribeUrl ?? '';
  return vars as AllVars;
}

/** Every variable but those of the reader (name, unsubscribe link). */
export function sharedVars(input: Omit<RenderInput, 'subscriberName' | 'unsubscribeUrl'>): SharedVars {
  const { incident: i, locale, timezone: zone, now } = input;
  const etr = i.etr?.getTime();
  const previous = i.previousEtr?.getTime();
  return {
    code: i.code,
    title: i.title,
    kindWord: kindWord(i.kind, locale),
    status: statusWord(i.status, locale),
    publicMessage: i.publicMessage ?? '',
    statusUrl: input.statusUrl,
    etr: etrPhrase(i.etr, now, zone, locale),
    previousEtr: etrPhrase(i.previousEtr, now, zone, locale),
    slips: String(i.etrSlips),
    slipsOrdinal: ordinal(i.etrSlips, locale),
    duration: durationPhrase((i.resolvedAt ?? now).getTime() - i.startedAt.getTime(), locale),
    startTime: localClock(i.startedAt, zone),
    endTime: i.resolvedAt ? localClock(i.resolvedAt, zone) : '',
    manager: managerLine(input.manager, input.channel, locale),
    managerName: input.manager?.name ?? '',
    managerPhone: input.manager?.phone ?? '',
    outage: i.kind === 'outage',
    degradation: i.kind === 'degradation',
    maintenance: i.kind === 'maintenance',
    etrKnown: etr !== undefined,
    previousEtrKnown: previous !== undefined,
    etrLater: etr !== undefined && previous !== undefined && etr > previous,
    etrEarlier: etr !== undefined && previous !== undefined && etr < previous,
    repeatedSlip: i.etrSlips >= 2,
    hasManager: input.manager !== null,
  };
}
