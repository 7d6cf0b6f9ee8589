/**
 * GSM 03.38 default alphabet and extension table, carried unpacked (one septet per octet) as
 * SMPP does with data_coding 0x00 / 0x01. Index = septet value.
 */
const DEFAULT_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Characters reached through the escape septet 0x1B, each costing two septets. */
const EXTENSION: Record<string, number> = {
  '\f': 0x0a,
  '^': 0x14,
  '{': 0x28,
  '}': 0x29,
  '\\': 0x2f,
  '[': 0x3c,
  '~': 0x3d,
  ']': 0x3e,
  '|': 0x40,
  '€': 0x65,
};

export const GSM_ESCAPE = 0x1b;

const BASIC = new Map<string, number>();
for (let i = 0; i < DEFAULT_ALPHABET.length; i++) if (i !== GSM_ESCAPE) BASIC.set(DEFAULT_ALPHABET[i], i);
const EXTENSION_BY_SEPTET = new Map(Object.entries(EXTENSION).map(([ch, septet]) => [septet, ch]));

/** Septets one character takes in GSM 7-bit: 1, 2 for the extension table, 0 when it has none. */
export function gsmSeptets(ch: string): 0 | 1 | 2 {
  if (BASIC.has(ch)) return 1;
  return ch in EXTENSION ? 2 : 0;
}

/** True when every character is in the default alphabet or the extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (gsmSeptets(ch) === 0) return false;
  return true;
}

/** Septets the whole text takes; extension characters count two. */
export function gsmLength(text: string): number {
  let n = 0;
  for (const ch of text) n += gsmSeptets(ch);
  return n;
}

/** Unpacked septets, escape pairs written as 0x1B + code. Throws on a character outside GSM 7-bit. */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length * 2);
  let o = 0;
  for (const ch of text) {
    const basic = BASIC.get(ch);
    if (basic !== undefined) {
      out[o++] = basic;
    } else if (ch in EXTENSION) {
      out[o++] = GSM_ESCAPE;
      out[o++] = EXTENSION[ch];
    } else {
      throw new Error(`character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not in GSM 03.38`);
    }
  }
  return out.subarray(0, o);
}

/** The reverse of encodeGsm7; an unknown escape code reads as a space, as handsets do. */
export function decodeGsm7(septets: Buffer): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i] & 0x7f;
    if (s === GSM_ESCAPE && i + 1 < septets.length) {
      text += EXTENSION_BY_SEPTET.get(septets[++i] & 0x7f) ?? ' ';
    } else {
      text += DEFAULT_ALPHABET[s];
    }
  }
  return text;
}

/** UTF-16 big-endian, which is what SMPP calls UCS-2 (surrogate pairs pass through as two units). */
export function encodeUcs2(text: string): Buffer {
  const out = Buffer.from(text, 'utf16le');
  out.swap16();
  return out;
}

export function decodeUcs2(bytes: Buffer): string {
  const copy = Buffer.from(bytes.subarray(0, bytes.length & ~1));
  return copy.swap16().toString('utf16le');
}
