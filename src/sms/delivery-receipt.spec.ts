import { formatReceiptText, isDeliveryReceipt, messageIdCandidates, normaliseMessageId, parseDeliveryReceipt } from './delivery-receipt';

const TEXT = 'id:0000012345 sub:001 dlvrd:001 submit date:2511031200 done date:2511031201 stat:DELIVRD err:000 text:Уважаемый';

describe(parseDeliveryReceipt.name, () => {
  it('should read id, state and dates from the text form when there are no TLVs', () => {
    const sut = parseDeliveryReceipt({ esmClass: 0x04, text: TEXT });
    expect(sut).toEqual({
      messageId: '12345',
      idCandidates: ['12345', '3039', '74565'],
      state: 'delivered',
      final: true,
      stat: 'DELIVRD',
      error: '000',
      submitDate: '2511031200',
      doneDate: '2511031201',
    });
  });

  it('should prefer receipted_message_id and message_state when the TLVs are present', () => {
    const sut = parseDeliveryReceipt({ esmClass: 0x04, text: TEXT, receiptedMessageId: '3039', messageState: 5 });
    expect(sut).toMatchObject({ messageId: '3039', state: 'undeliverable', final: true });
    expect(sut!.idCandidates).toContain('12345');
  });

  it.each([
    ['DELIVRD', 'delivered', true],
    ['EXPIRED', 'expired', true],
    ['UNDELIV', 'undeliverable', true],
    ['REJECTD', 'rejected', true],
    ['DELETED', 'deleted', true],
    ['ACCEPTD', 'accepted', true],
    ['UNKNOWN', 'unknown', true],
    ['ENROUTE', 'enroute', false],
  ])('should map stat:%s to %s (final %s)', (stat, state, final) => {
    expect(parseDeliveryReceipt({ esmClass: 0x04, text: `id:1 stat:${stat} err:001` })).toMatchObject({ state, final, stat, error: '001' });
  });

  it('should read the network_error_code TLV when the text has no err:', () => {
    const sut = parseDeliveryReceipt({ esmClass: 0x04, text: 'id:ab stat:UNDELIV', networkErrorCode: Buffer.from([0x03, 0x00, 0x22]) });
    expect(sut).toMatchObject({ state: 'undeliverable', error: '3:34' });
  });

  it('should take a text-form receipt as a reply when esm_class is not set and the SMSC is not marked as sending plain receipts', () => {
    expect(parseDeliveryReceipt({ esmClass: 0, text: 'id:77 sub:001 dlvrd:000 stat:EXPIRED err:000' })).toBeUndefined();
    expect(parseDeliveryReceipt({ esmClass: 0, text: 'id:77 stat:DELIVRD', receiptedMessageId: '77' })).toBeUndefined();
  });

  it('should recognise a receipt by its text or its TLV when esm_class is not set and the SMSC sends plain receipts', () => {
    const rules = { plainTextReceipts: true };
    expect(parseDeliveryReceipt({ esmClass: 0, text: 'id:77 sub:001 dlvrd:000 stat:EXPIRED err:000' }, rules)).toMatchObject({ messageId: '77', state: 'expired' });
    expect(parseDeliveryReceipt({ esmClass: 0, text: '', receiptedMessageId: '78', messageState: 2 }, rules)).toMatchObject({ messageId: '78', state: 'delivered' });
  });

  it.each([
    [0x04, 'an SMSC delivery receipt', true],
    [0x20, 'an intermediate delivery notification', true],
    [0x08, 'an SME delivery acknowledgement', false],
    [0x10, 'an SME manual/user acknowledgement', false],
    [0x18, 'a conversation abort', false],
    [0x40, 'a message with a UDH', false],
  ])('should take a text-form deliver_sm with esm_class %i (%s) as a receipt: %s', (esmClass, _kind, receipt) => {
    const text = 'id:77 sub:001 dlvrd:001 stat:DELIVRD err:000';
    expect(isDeliveryReceipt({ esmClass, text })).toBe(receipt);
    // the plain-text setting only widens the default message type, never the handset's acknowledgements
    expect(isDeliveryReceipt({ esmClass, text }, { plainTextReceipts: true })).toBe(receipt || esmClass === 0x40);
  });

  it('should recognise a receipt when the UDHI bit is set beside the receipt type', () => {
    expect(isDeliveryReceipt({ esmClass: 0x44, text: 'id:1 stat:DELIVRD' })).toBe(true);
  });

  it('should return undefined when given an ordinary reply', () => {
    expect(parseDeliveryReceipt({ esmClass: 0, text: 'STOP' })).toBeUndefined();
    expect(parseDeliveryReceipt({ esmClass: 0, text: 'my id: 5, status: angry' })).toBeUndefined();
  });

  it('should round-trip the text form it formats', () => {
    const text = formatReceiptText({ id: '0000004660', stat: 'REJECTD', err: '011', submitDate: '2511031200', doneDate: '2511031200', text: 'hello' });
    expect(parseDeliveryReceipt({ esmClass: 0x04, text })).toMatchObject({ messageId: '4660', state: 'rejected', error: '011' });
  });
});

describe(normaliseMessageId.name, () => {
  it('should lower-case, trim and drop leading zeros', () => {
    expect(normaliseMessageId(' 0001A2F ')).toBe('1a2f');
    expect(normaliseMessageId('0000')).toBe('0');
  });
});

describe(messageIdCandidates.name, () => {
  it('should offer the hex reading of a decimal id and the decimal reading of a hex id', () => {
    expect(messageIdCandidates('4660')).toEqual(['4660', '1234', '18016']);
    expect(messageIdCandidates('1A2F')).toEqual(['1a2f', '6703']);
    expect(messageIdCandidates('msg-42')).toEqual(['msg-42']);
  });
});
