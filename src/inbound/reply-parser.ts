/** What a subscriber's SMS reply asks for. */
export type ReplyCommand =
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'status' }
  | { kind: 'rating'; rating: 1 | 2 | 3 | 4 | 5 }
  | { kind: 'text'; text: string };

/** The usual opt-out words (the CTIA list and their Russian counterparts). */
export const STOP_WORDS = [
  'stop', 'stopall', 'stop all', 'unsubscribe', 'cancel', 'end', 'quit', 'optout', 'opt out', 'opt-out', 'revoke',
  'стоп', 'отписка', 'отписаться', 'отписать', 'отпишите', 'отпишись', 'отмена', 'отменить', 'остановить',
] as const;
export const START_WORDS = ['start', 'unstop', 'subscribe', 'старт', 'подписаться'] as const;
export const STATUS_WORDS = ['status', 'статус'] as const;

const COMMANDS = new Map<string, ReplyCommand['kind']>([
  ...STOP_WORDS.map((w) => [w, 'stop'] as const),
  ...START_WORDS.map((w) => [w, 'start'] as const),
  ...STATUS_WORDS.map((w) => [w, 'status'] as const),
]);

// Punctuation people put around a one-word answer ("Stop!", "«Стоп»", "5.").
const EDGES = /^[\s.,!?;:'"«»“”()]+|[\s.,!?;:'"«»“”()]+$/g;

/** Lower case, ё as е, full-width forms folded, surrounding punctuation and inner runs of spaces gone. */
export function normaliseReply(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/ё/g, 'е').replace(EDGES, '').replace(/\s+/g, ' ');
}

/**
 * A keyword only when it is the whole message ("stop sending me this at night" is feedback, not
 * an opt-out); a rating only as a bare digit 1-5. Everything else is free text.
 */
export function parseReply(text: string): ReplyCommand {
  const word = normaliseReply(text);
  const command = COMMANDS.get(word);
  if (command === 'stop' || command === 'start' || command === 'status') return { kind: command };
  if (/^[1-5]$/.test(word)) return { kind: 'rating', rating: Number(word) as 1 | 2 | 3 | 4 | 5 };
  return { kind: 'text', text: text.trim() };
}
