import { randomInt } from 'crypto';

/** Easy to read aloud: no 0/O, 1/I/L. 31^8 ≈ 8.5e11 codes, drawn at random so none predicts another. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newPublicCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Accepts what a person types: any case, with or without the dash or spaces. */
export function normalisePublicCode(input: string): string | undefined {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 8 || [...s].some((c) => !CODE_ALPHABET.includes(c))) return undefined;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/**
 * The status page of an incident in the language of the message that links to it, as messages
 * carry it: /s/ rather than /status/ and the language as a path step rather than ?lang= (the page
 * takes every form). Every character of the link is one the words of an SMS cannot use: with this
 * form the default templates keep two parts for a PUBLIC_BASE_URL of up to 30 characters.
 */
export const statusUrl = (publicBaseUrl: string, code: string, locale: 'ru' | 'en') => `${publicBaseUrl}/s/${code}/${locale}`;
