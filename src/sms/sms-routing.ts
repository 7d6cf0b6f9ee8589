/** What routing needs to know of an SMSC (see SmscRoute). */
export interface Routable {
  name: string;
  /** Digits, no '+'; none: any destination. */
  prefixes: string[];
  weight: number;
}

/** FNV-1a with MurmurHash3's final mix (numbers differing in their last digit only must still spread): cheap, stable, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** How much of `digits` the route's longest matching prefix covers: 0 for a route without prefixes, -1 when none matches. */
function matchLength(route: Routable, digits: string): number {
  if (route.prefixes.length === 0) return 0;
  let best = -1;
  for (const p of route.prefixes) if (p.length > best && digits.startsWith(p)) best = p.length;
  return best;
}

/**
 * The SMSCs to try for a destination, first choice first: the routes whose prefix matches it,
 * the longest match first; among equal matches a weighted pick (rendezvous hashing on the
 * number, so a subscriber's texts keep to one SMSC and each SMSC gets its weight's share), and
 * weight 0 last. The rest of the list is where texts go when the ones before have no bind.
 */
export function routeOrder<T extends Routable>(routes: readonly T[], destination: string): T[] {
  const digits = destination.replace(/^\+/, '');
  return routes
    .map((route) => ({ route, match: matchLength(route, digits), score: route.weight > 0 ? -Math.log((hash(`${route.name}:${digits}`) + 1) / 2 ** 32) / route.weight : Infinity }))
    .filter((r) => r.match >= 0)
    .sort((a, b) => b.match - a.match || a.score - b.score)
    .map((r) => r.route);
}
