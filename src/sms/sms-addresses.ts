/** SMPP addressing for our sender and the subscriber's number. */
export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
const NPI_ISDN = 1;
const NPI_UNKNOWN = 0;

/** A sender with a letter in it is alphanumeric (≤ 11 characters, TON 5 / NPI 0); digits are an international number. */
export function sourceAddress(sender: string): SmppAddress {
  const s = sender.trim();
  if (/^\+?\d{1,20}$/.test(s)) return { ton: TON_INTERNATIONAL, npi: NPI_ISDN, addr: s.replace(/^\+/, '') };
  if (s.length === 0 || s.length > 11 || !/^[\x20-\x7e]+$/.test(s)) {
    throw new Error(`sender "${s}" must be a number or 1–11 printable ASCII characters`);
  }
  return { ton: TON_ALPHANUMERIC, npi: NPI_UNKNOWN, addr: s };
}

/** E.164 ("+79131234567") → digits without '+', TON 1 / NPI 1; undefined when it is not E.164. */
export function destinationAddress(e164: string): SmppAddress | undefined {
  const m = /^\+([1-9]\d{6,14})$/.exec(e164.trim());
  return m ? { ton: TON_INTERNATIONAL, npi: NPI_ISDN, addr: m[1] } : undefined;
}

/** SMPP relative time "YYMMDDhhmmss000R" for a validity of `minutes` (at most 99 days). */
export function relativeValidity(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 99) throw new Error('validity longer than 99 days');
  const two = (n: number) => String(n).padStart(2, '0');
  return `0000${two(days)}${two(hours)}${two(mins)}00000R`;
}
