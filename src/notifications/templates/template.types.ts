export const MESSAGE_KINDS = ['notice', 'etr_change', 'restored', 'summary', 'correction', 'reassurance', 'followup'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export const TEMPLATE_LOCALES = ['ru', 'en'] as const;
export type TemplateLocale = (typeof TEMPLATE_LOCALES)[number];
export const TEMPLATE_CHANNELS = ['sms', 'email'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export interface RenderInput {
  kind: MessageKind;
  locale: 'ru' | 'en';
  channel: 'sms' | 'email';
  timezone: string;          // the subscriber's IANA zone: all times are shown in it
  now: Date;                 // for "today"/"tomorrow"
  subscriberName: string;
  incident: {
    code: string;            // public tracking code, e.g. 7KQF-M2XA
    title: string;
    kind: 'outage' | 'degradation' | 'maintenance';
    status: string;
    startedAt: Date;
    etr: Date | null;
    previousEtr: Date | null; // what this subscriber was last told, for etr_change
    etrSlips: number;         // how many times the ETR moved later
    resolvedAt: Date | null;
    publicMessage: string | null;
  };
  manager: { name: string; phone: string } | null;
  statusUrl: string;          // link to the public page with the code
  unsubscribeUrl?: string;    // email only
}

export interface RenderedMessage { text: string; subject?: string; html?: string }

export interface TemplatePreview {
  kind: MessageKind;
  locale: TemplateLocale;
  channel: TemplateChannel;
  subject?: string;
  text: string;
  html?: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  characters: number;
}
