import { createHmac, timingSafeEqual } from 'crypto';

/**
 * `<subscriberId>.<HMAC-SHA256 of it, base64url>`: nothing stored, nothing to look up before the
 * signature is checked, and no expiry, since a link in a months-old email must still work.
 */
const TOKEN = /^([1-9]\d{0,15})\.([A-Za-z0-9_-]{43})$/;

function signature(subscriberId: number, secret: string): Buffer {
  // The prefix keeps this key's signatures from meaning anything anywhere else.
  return createHmac('sha256', secret).update(`unsubscribe:${subscriberId}`).digest();
}

export function signUnsubscribeToken(subscriberId: number, secret: string): string {
  return `${subscriberId}.${signature(subscriberId, secret).toString('base64url')}`;
}

/** The subscriber id a genuine token was made for; undefined for anything else. */
export function verifyUnsubscribeToken(token: unknown, secret: string): number | undefined {
  const match = typeof token === 'string' ? TOKEN.exec(token) : null;
  if (!match) return undefined;
  const subscriberId = Number(match[1]);
  if (!Number.isSafeInteger(subscriberId)) return undefined;
  const given = Buffer.from(match[2], 'base64url');
  const expected = signature(subscriberId, secret);
  return given.length === expected.length && timingSafeEqual(given, expected) ? subscriberId : undefined;
}

export function unsubscribeUrl(publicBaseUrl: string, subscriberId: number, secret: string): string {
  return `${publicBaseUrl}/v1/public/unsubscribe?token=${signUnsubscribeToken(subscriberId, secret)}`;
}
