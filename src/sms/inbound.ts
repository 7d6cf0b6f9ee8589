import type { DeliverSm } from './deliver-sm';
import { DeliveryReceipt, parseDeliveryReceipt, ReceiptRules, STRICT_RECEIPTS } from './delivery-receipt';
import { decodeGsm7, decodeUcs2 } from './gsm7';
import { ConcatInfo, readConcat, splitUdh } from './segmentation';

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

/**
 * The text by data_coding's low four bits, as the `smpp` package read it before: 0x00 and 0x01
 * GSM 7-bit (one septet an octet), 0x08 UCS-2, anything else (Latin-1 0x03, binary) octet by octet.
 */
function decodeText(bytes: Buffer, dataCoding: number): string {
  switch (dataCoding & 0x0f) {
    case 0x00:
    case 0x01:
      return decodeGsm7(bytes);
    case 0x08:
      return decodeUcs2(bytes);
    default:
      return bytes.toString('latin1');
  }
}

/** message_payload when it carries anything, else short_message; the UDH off its front when esm_class says there is one. */
export function deliverText(d: DeliverSm): { text: string; concat?: ConcatInfo } {
  const carrier = d.messagePayload?.length ? d.messagePayload : d.shortMessage;
  const { udh, body } = splitUdh(carrier, d.esmClass);
  return { text: decodeText(body, d.dataCoding), concat: udh && readConcat(udh) };
}

function address(addr: string, ton: number): string {
  const a = addr.trim();
  return ton === TON_INTERNATIONAL && /^\d+$/.test(a) ? `+${a}` : a;
}

/** A deliver_sm → a receipt (by esm_class, see isDeliveryReceipt) or an MO message. */
export function toInboundSms(d: DeliverSm, rules: ReceiptRules = STRICT_RECEIPTS, receivedAt = new Date()): InboundSms {
  const { text, concat } = deliverText(d);
  const receipt = parseDeliveryReceipt({
    esmClass: d.esmClass,
    text,
    receiptedMessageId: d.receiptedMessageId,
    messageState: d.messageState,
    networkErrorCode: d.networkErrorCode,
  }, rules);
  if (receipt) return { kind: 'receipt', receipt, receivedAt };
  return {
    kind: 'mo',
    from: address(d.sourceAddr, d.sourceAddrTon),
    to: address(d.destinationAddr, d.destAddrTon),
    text,
    dataCoding: d.dataCoding,
    concat,
    receivedAt,
  };
}
