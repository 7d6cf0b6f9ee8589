import { PDU } from 'smpp';
import { decodeDeliverSm, DeliverSm } from './deliver-sm';
import { encodeGsm7, encodeUcs2 } from './gsm7';
import { toInboundSms } from './inbound';
import { concatUdh, encodeSms } from './segmentation';

/** Through the package's encoder and decoder, as on the wire. */
function wire(command: string, fields: ConstructorParameters<typeof PDU>[1]): PDU {
  return new (PDU as unknown as new (b: Buffer) => PDU)(new PDU(command, { sequence_number: 1, ...fields }).toBuffer());
}

describe('smpp package with our encoding', () => {
  it('should carry our UCS-2 bytes and data_coding 0x08 unchanged when short_message is a Buffer', () => {
    const [pdu] = encodeSms('Свет дадут к 18:00', { gsmDataCoding: 0, longMessages: 'udh' }).pdus;
    const sut = wire('submit_sm', { destination_addr: '79131234567', data_coding: 0x08, esm_class: pdu.esmClass, short_message: pdu.shortMessage });
    expect(sut.data_coding).toBe(0x08);
    expect(sut.short_message).toEqual({ message: 'Свет дадут к 18:00' });
  });

  it('should lose Cyrillic when given a string with data_coding 0 — why we never pass it strings', () => {
    const sut = wire('submit_sm', { destination_addr: '79131234567', data_coding: 0, short_message: { message: 'Свет' } as never });
    expect(sut.short_message).toEqual({ message: '@@@@' });
  });
});

/** Encoded by the package, read by ours, as on the wire. */
function deliverSm(fields: ConstructorParameters<typeof PDU>[1]): DeliverSm {
  return decodeDeliverSm(new PDU('deliver_sm', { sequence_number: 1, ...fields }).toBuffer());
}

describe(toInboundSms.name, () => {
  it('should surface a receipt with the receipted_message_id TLV', () => {
    const deliver = deliverSm({
      esm_class: 0x04,
      data_coding: 0,
      receipted_message_id: '00A1F',
      message_state: 2,
      short_message: encodeGsm7('id:0000002591 sub:001 dlvrd:001 submit date:2511031200 done date:2511031201 stat:DELIVRD err:000 text:'),
    });
    expect(toInboundSms(deliver)).toMatchObject({ kind: 'receipt', receipt: { messageId: 'a1f', state: 'delivered', idCandidates: expect.arrayContaining(['2591']) } });
  });

  it('should surface a Russian reply with the sender in E.164 and its concatenation info', () => {
    const deliver = deliverSm({
      source_addr_ton: 1,
      source_addr: '79131234567',
      destination_addr: 'Outages',
      esm_class: 0x40,
      data_coding: 0x08,
      short_message: Buffer.concat([concatUdh(9, 2, 1), encodeUcs2('Стоп')]),
    });
    expect(toInboundSms(deliver)).toMatchObject({ kind: 'mo', from: '+79131234567', to: 'Outages', text: 'Стоп', dataCoding: 8, concat: { reference: 9, total: 2, seq: 1 } });
  });

  it('should surface a reply, not a receipt, when a subscriber texts the receipt form with esm_class 0', () => {
    const text = 'id:0000002591 sub:001 dlvrd:001 submit date:2511031200 done date:2511031201 stat:DELIVRD err:000 text:';
    const deliver = deliverSm({ source_addr_ton: 1, source_addr: '79131234567', destination_addr: 'Outages', esm_class: 0, data_coding: 0, short_message: encodeGsm7(text) });
    expect(toInboundSms(deliver)).toMatchObject({ kind: 'mo', from: '+79131234567', text });
    expect(toInboundSms(deliver, { plainTextReceipts: true })).toMatchObject({ kind: 'receipt', receipt: { messageId: '2591', state: 'delivered' } });
  });

  it('should read message_payload when short_message is empty', () => {
    const deliver = deliverSm({ source_addr: '79131234567', source_addr_ton: 1, data_coding: 0, short_message: Buffer.alloc(0), message_payload: encodeGsm7('STATUS please') });
    expect(toInboundSms(deliver)).toMatchObject({ kind: 'mo', text: 'STATUS please' });
  });
});
