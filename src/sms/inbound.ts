import type { DecodedMessage, PDU } from 'smpp';
import { DeliveryReceipt, parseDeliveryReceipt, ReceiptRules, STRICT_RECEIPTS } from './delivery-receipt';
import { decodeUcs2 } from './gsm7';
import { ConcatInfo, UCS2_DATA_CODING } from './segmentation';

/**
 * What arrives from the SMSC, for the receipts and SMS-replies code to persist. Handlers may batch
 * their writes: the deliver_sm is acknowledged only when the handler's promise resolves.
 */
export type InboundSms = (
  | { kind: 'receipt'; receipt: DeliveryReceipt; receivedAt: Date }
  | {
      kind: 'mo';
      /** E.164 with '+' when the SMSC gave an international number, else as given. */
      from: string;
      to: string;
      text: string;
      dataCoding: number;
      /** Set on one part of a concatenated reply; the inbound code reassembles by (from, reference). */
      concat?: ConcatInfo;
      receivedAt: Date;
    }
) & {
  /** The SMSC (route name) and bind it came on, filled in by SmscClient; receipts match parts of that SMSC. */
  smsc?: string;
  bind?: string;
};

const TON_INTERNATIONAL = 1;

function readMessage(value: Buffer | DecodedMessage | undefined, dataCoding: number): { text: string; udh?: Buffer[] } {
  if (!value) return { text: '' };
  if (Buffer.isBuffer(value)) return { text: dataCoding === UCS2_DATA_CODING ? decodeUcs2(value) : value.toString('latin1') };
  const { message, udh } = value;
  // The package decodes GSM (0x00/0x01), Latin-1 and UCS-2; other codings arrive as bytes.
  return { text: typeof message === 'string' ? message : message.toString('latin1'), udh };
}

/** The concatenation element from the package's list of UDH information elements ([iei, len, …data]). */
function concatFrom(udh: Buffer[] | undefined): ConcatInfo | undefined {
  for (const ie of udh ?? []) {
    if (ie[0] === 0x00 && ie[1] === 3) return { reference: ie[2], total: ie[3], seq: ie[4] };
    if (ie[0] === 0x08 && ie[1] === 4) return { reference: ie.readUInt16BE(2), total: ie[4], seq: ie[5] };
  }
  return undefined;
}

function address(addr: string | undefined, ton: number | undefined): string {
  const a = (addr ?? '').trim();
  return ton === TON_INTERNATIONAL && /^\d+$/.test(a) ? `+${a}` : a;
}

/** A deliver_sm as the package decoded it → a receipt (by esm_class, see isDeliveryReceipt) or an MO message. */
export function toInboundSms(pdu: PDU, rules: ReceiptRules = STRICT_RECEIPTS, receivedAt = new Date()): InboundSms {
  const dataCoding = pdu.data_coding ?? 0;
  const short = readMessage(pdu.short_message, dataCoding);
  const payload = readMessage(pdu.message_payload, dataCoding);
  const { text, udh } = payload.text ? payload : short;
  const receipt = parseDeliveryReceipt({
    esmClass: pdu.esm_class ?? 0,
    text,
    receiptedMessageId: pdu.receipted_message_id,
    messageState: pdu.message_state,
    networkErrorCode: pdu.network_error_code,
  }, rules);
  if (receipt) return { kind: 'receipt', receipt, receivedAt };
  return {
    kind: 'mo',
    from: address(pdu.source_addr, pdu.source_addr_ton),
    to: address(pdu.destination_addr, pdu.dest_addr_ton),
    text,
    dataCoding,
    concat: concatFrom(udh),
    receivedAt,
  };
}
