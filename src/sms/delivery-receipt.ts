/** Part states a delivery receipt can report (SMPP message_state / the text form's stat:). */
export type ReceiptState = 'enroute' | 'delivered' | 'expired' | 'deleted' | 'undeliverable' | 'accepted' | 'unknown' | 'rejected';

const STAT_TO_STATE: Record<string, ReceiptState> = {
  ENROUTE: 'enroute',
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'deleted',
  UNDELIV: 'undeliverable',
  ACCEPTD: 'accepted',
  UNKNOWN: 'unknown',
  REJECTD: 'rejected',
};

/** message_state TLV values (SMPP 3.4 §5.2.28). */
const MESSAGE_STATE: Record<number, ReceiptState> = {
  1: 'enroute',
  2: 'delivered',
  3: 'expired',
  4: 'deleted',
  5: 'undeliverable',
  6: 'accepted',
  7: 'unknown',
  8: 'rejected',
};

export interface DeliveryReceipt {
  /** The SMSC's id for the part, normalised (see normaliseMessageId). */
  messageId: string;
  /** Every form the id may have been stored under: match `provider_id = ANY(idCandidates)`. */
  idCandidates: string[];
  state: ReceiptState;
  /** Only enroute is not an end state; accepted means "taken on the subscriber's behalf", not delivered. */
  final: boolean;
  /** The text form's stat: token as sent (DELIVRD, UNDELIV …), or the state's name from the TLV. */
  stat: string;
  /** err: from the text form, or the network_error_code TLV as type:code. */
  error?: string;
  /** YYMMDDhhmm[ss] in the SMSC's local time, as given. */
  submitDate?: string;
  doneDate?: string;
}

/** What a deliver_sm carries that matters for receipts, already taken out of the PDU. */
export interface DeliverFields {
  esmClass: number;
  text: string;
  receiptedMessageId?: string;
  messageState?: number;
  networkErrorCode?: Buffer;
}

/** esm_class bits 2-5 of a deliver_sm: the message type (SMPP 3.4 §5.2.12). */
const MESSAGE_TYPE_MASK = 0x3c;
const MC_DELIVERY_RECEIPT = 0x04;
const INTERMEDIATE_NOTIFICATION = 0x20;
// 0x08 (SME delivery acknowledgement) and 0x10 (SME manual / user acknowledgement) come from the
// handset, whose user writes their text: never receipts. We do not ask for them (registered_delivery
// bits 2-3 are 0), so one that comes anyway is handled as a reply like any other.
const TEXT_FORM = /\bid:\s*(\S+)/i;

/** How one SMSC marks its receipts. */
export interface ReceiptRules {
  /**
   * Also take a deliver_sm with the default message type (esm_class 0) as a receipt when it has
   * receipted_message_id or the text form id:… stat:…, for SMSCs that send receipts as plain
   * messages. Off by default: with it on, any subscriber can forge a receipt by texting that form.
   */
  plainTextReceipts: boolean;
}

export const STRICT_RECEIPTS: ReceiptRules = { plainTextReceipts: false };

/** Lower case, trimmed, leading zeros dropped: "0001A2F" and "1a2f" are one id. */
export function normaliseMessageId(id: string): string {
  return id.trim().toLowerCase().replace(/^0+(?=.)/, '');
}

/**
 * Many SMSCs answer submit_sm with a hex id and quote it in decimal in the receipt text (or the
 * other way round), so a receipt is matched against the id as given and its other-base reading.
 */
export function messageIdCandidates(id: string): string[] {
  const n = normaliseMessageId(id);
  const out = new Set([n]);
  if (/^\d{1,20}$/.test(n)) out.add(BigInt(n).toString(16));
  if (/^[0-9a-f]{1,16}$/.test(n)) out.add(BigInt(`0x${n}`).toString(10));
  return [...out];
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`\\b${name}:\\s*(\\S+)`, 'i').exec(text)?.[1];
}

/**
 * A receipt when esm_class says so (an SMSC delivery receipt or an intermediate notification); a
 * deliver_sm of the default type only under `plainTextReceipts`, by receipted_message_id or the
 * id:… stat:… text. Anything else is a reply, whatever its text says.
 */
export function isDeliveryReceipt(f: DeliverFields, rules: ReceiptRules = STRICT_RECEIPTS): boolean {
  const type = f.esmClass & MESSAGE_TYPE_MASK;
  if (type === MC_DELIVERY_RECEIPT || type === INTERMEDIATE_NOTIFICATION) return true;
  if (type !== 0 || !rules.plainTextReceipts) return false;
  return !!f.receiptedMessageId || (TEXT_FORM.test(f.text) && /\bstat:/i.test(f.text));
}

/**
 * Reads a delivery receipt: the id from receipted_message_id, else the text's id:; the state from
 * message_state, else the text's stat:. Undefined when the deliver_sm is not a receipt or names no id.
 */
export function parseDeliveryReceipt(fields: DeliverFields, rules: ReceiptRules = STRICT_RECEIPTS): DeliveryReceipt | undefined {
  // NUL is never part of an id or a state, and PostgreSQL could not match an id holding one.
  const f = { ...fields, text: fields.text.replace(/\u0000/g, '') };
  if (!isDeliveryReceipt(f, rules)) return undefined;
  const rawId = f.receiptedMessageId?.trim() || TEXT_FORM.exec(f.text)?.[1];
  if (!rawId) return undefined;
  const stat = field(f.text, 'stat')?.toUpperCase();
  const state = (f.messageState !== undefined ? MESSAGE_STATE[f.messageState] : undefined) ?? (stat ? STAT_TO_STATE[stat] : undefined) ?? 'unknown';
  const err = field(f.text, 'err');
  const network = f.networkErrorCode && f.networkErrorCode.length >= 3 ? `${f.networkErrorCode[0]}:${f.networkErrorCode.readUInt16BE(1)}` : undefined;
  return {
    messageId: normaliseMessageId(rawId),
    idCandidates: messageIdCandidates(rawId),
    state,
    final: state !== 'enroute',
    stat: stat ?? state.toUpperCase(),
    error: err ?? network,
    submitDate: /\bsubmit date:\s*(\d+)/i.exec(f.text)?.[1],
    doneDate: /\bdone date:\s*(\d+)/i.exec(f.text)?.[1],
  };
}

/** The SMPP 3.4 Appendix B text form, as SMSCs (and our simulator) write it. */
export function formatReceiptText(r: { id: string; stat: string; err: string; submitDate: string; doneDate: string; text: string; parts?: number }): string {
  const n = String(r.parts ?? 1).padStart(3, '0');
  const dlvrd = r.stat === 'DELIVRD' ? n : '000';
  return `id:${r.id} sub:${n} dlvrd:${dlvrd} submit date:${r.submitDate} done date:${r.doneDate} stat:${r.stat} err:${r.err} text:${r.text.slice(0, 20)}`;
}
