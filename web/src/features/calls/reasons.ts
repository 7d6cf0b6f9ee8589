import type { CallEntry } from '../../api/types';
import { DICTIONARIES, translate, type Lang, type TranslationKey } from '../../lib/i18n';

type Reason = CallEntry['reasons'][number];

/** A subscriber flag in words: the ones the product ships with are translated, an operator's own shown as it is. */
function flagText(flag: string, lang: Lang): string {
  const key = `flag.${flag}`;
  return key in DICTIONARIES[lang] ? translate(lang, key as TranslationKey) : flag;
}

/** One reason a customer is on the call list, in the viewer's language (what a channel said stays as it said it). */
export function reasonText(reason: Reason, lang: Lang): string {
  switch (reason.code) {
    case 'flagged':
      return translate(lang, 'reason.flagged', { flags: (reason.flags ?? []).map((f) => flagText(f, lang)).join(', ') });
    case 'repeat_incidents':
      return translate(lang, 'reason.repeat_incidents', { count: reason.count ?? '?', days: reason.days ?? '?' });
    case 'undelivered': {
      const said = translate(lang, reason.channel === 'email' ? 'reason.undelivered.email' : 'reason.undelivered.sms');
      const tries = reason.attempts ? ` (${translate(lang, 'reason.attempts', { attempts: reason.attempts })})` : '';
      return `${said}${tries}${reason.error ? `: ${reason.error}` : ''}`;
    }
    case 'other':
      return reason.text ?? '';
    default:
      return translate(lang, `reason.${reason.code}` as TranslationKey);
  }
}

/** All of a customer's reasons, in the order the api gives them. */
export function reasonsText(reasons: Reason[], lang: Lang): string {
  return reasons.map((r) => reasonText(r, lang)).join('; ');
}
