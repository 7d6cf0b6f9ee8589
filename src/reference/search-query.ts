import { assertValid } from '../common/body';
import { FieldReader } from '../common/validation';

/** What a type-ahead list asks: text to match, the code after which the page starts, and its size. */
export interface SearchQuery {
  q?: string;
  after?: string;
  limit: number;
}

export const SEARCH_LIMIT = { default: 20, max: 100 };

/** Reads ?q=&cursor=&limit= (a 422 naming the field when one is wrong). */
export function readSearchQuery(query: unknown): SearchQuery {
  const r = new FieldReader((query ?? {}) as Record<string, unknown>);
  r.onlyKnown(['q', 'cursor', 'limit']);
  const q = r.string('q', { max: 100 });
  const after = r.code('cursor');
  const limit = r.positiveInt('limit') ?? SEARCH_LIMIT.default;
  if (limit > SEARCH_LIMIT.max) r.fail('limit', `must be at most ${SEARCH_LIMIT.max}`);
  assertValid(r);
  return { q: q || undefined, after, limit };
}

/** The text as a LIKE pattern fragment: its own % and _ match themselves. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A page of rows fetched with limit + 1: the extra row only says there is a next page. */
export function pageOf<T extends { code: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].code : null };
}

/** A typed phone fragment as the start of an E.164 number ("+7 913 00" → "+791300"), or undefined when it is not one. */
export function phonePrefix(text: string): string | undefined {
  if (!/^\+?[\d\s()-]{3,}$/.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  return digits ? `+${digits}` : undefined;
}
