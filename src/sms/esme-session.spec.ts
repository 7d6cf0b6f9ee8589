import { AddressInfo, createServer, Server, Socket } from 'net';
import { PDU } from 'smpp';
import { waitFor } from '../../test/support/wait';
import { DeliverSm } from './deliver-sm';
import { EsmeSession } from './esme-session';
import { destinationAddress, relativeValidity, sourceAddress } from './sms-addresses';

/** An SMSC over real TCP that answers each request with the given bytes, written one octet a write so every PDU arrives in pieces. */
function trickleSmsc(answer: (request: PDU) => Buffer[]): Promise<{ server: Server; port: number; requests: PDU[] }> {
  const requests: PDU[] = [];
  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    let input = Buffer.alloc(0);
    socket.on('data', async (chunk) => {
      input = Buffer.concat([input, chunk]);
      while (input.length >= 4 && input.length >= input.readUInt32BE(0)) {
        const pdu = new PDU(input.subarray(0, input.readUInt32BE(0)));
        input = input.subarray(input.readUInt32BE(0));
        requests.push(pdu);
        const bytes = Buffer.concat(answer(pdu));
        for (const octet of bytes) {
          socket.write(Buffer.from([octet]));
          await new Promise((r) => setImmediate(r));
        }
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, requests })));
}

const part = {
  source: sourceAddress('Outages'), dest: destinationAddress('+79131234567')!, esmClass: 0, registeredDelivery: 1,
  validityPeriod: relativeValidity(360), dataCoding: 0, shortMessage: Buffer.from('hello'),
};

describe(EsmeSession.name, () => {
  let sut: EsmeSession | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    sut?.destroy('test over');
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('should read a submit_sm_resp and the PDU after it when both arrive an octet at a time', async () => {
    const delivered: DeliverSm[] = [];
    const smsc = await trickleSmsc((req) => {
      if (req.isResponse()) return []; // our deliver_sm_resp
      if (req.command !== 'submit_sm') return [req.response().toBuffer()];
      // The answer, then a receipt in the same stream: the reader must find where one ends.
      const receipt = new PDU('deliver_sm', { sequence_number: 9, esm_class: 0x04, short_message: Buffer.from('id:A1 stat:DELIVRD') });
      return [req.response({ message_id: 'A1' }).toBuffer(), receipt.toBuffer()];
    });
    server = smsc.server;
    const bound = new Promise<void>((resolve) => {
      sut = new EsmeSession(
        'transmitter#1',
        { host: '127.0.0.1', port: smsc.port, systemId: 'outage', password: 'secret', systemType: '', mode: 'transmitter', window: 10, responseTimeoutMs: 10_000, enquireLinkMs: 60_000 },
        { onBound: () => resolve(), onResumed: () => {}, onClosed: () => {}, onUnreadable: () => {}, onDeliver: (d) => void delivered.push(d) },
      );
    });
    await bound;

    const result = await new Promise((resolve) => sut!.submit(part, resolve));

    expect(result).toEqual({ kind: 'response', commandStatus: 0, messageId: 'A1' });
    const submitted = smsc.requests.find((r) => r.command === 'submit_sm')!;
    expect(submitted.destination_addr).toBe('79131234567');
    await waitFor(() => delivered.length > 0, 'the receipt after the answer', 10_000);
    expect(delivered[0]).toMatchObject({ esmClass: 0x04, shortMessage: Buffer.from('id:A1 stat:DELIVRD') });
    await waitFor(() => smsc.requests.some((r) => r.command === 'deliver_sm_resp' && r.sequence_number === 9), 'the receipt acknowledged', 10_000);
  }, 30_000);

  it('should answer each deliver_sm with its own deliver_sm_resp, refuse one its handler rejects for now, and one it cannot read for good, naming the field, and read on', async () => {
    const receipt = (sequence: number, text: string) => new PDU('deliver_sm', { sequence_number: sequence, esm_class: 0x04, short_message: Buffer.from(text) }).toBuffer();
    // message_payload says 300 octets and carries 3.
    const broken = Buffer.concat([receipt(9, 'id:A3 stat:DELIVRD'), Buffer.from([0x04, 0x24, 0x01, 0x2c, 1, 2, 3])]);
    broken.writeUInt32BE(broken.length, 0);
    const smsc = await trickleSmsc((req) => (req.command === 'bind_receiver' ? [req.response().toBuffer(), receipt(7, 'id:A1 stat:DELIVRD'), receipt(8, 'id:A2 stat:DELIVRD'), broken, receipt(10, 'id:A4 stat:DELIVRD')] : []));
    server = smsc.server;
    let closedFor = '';
    const unreadable: string[] = [];
    const texts: string[] = [];
    sut = new EsmeSession(
      'receiver#1',
      { host: '127.0.0.1', port: smsc.port, systemId: 'outage', password: 'secret', systemType: '', mode: 'receiver', window: 10, responseTimeoutMs: 10_000, enquireLinkMs: 60_000 },
      {
        onBound: () => {}, onResumed: () => {},
        onClosed: (_s, reason) => (closedFor = reason),
        onUnreadable: (_s, reason) => void unreadable.push(reason),
        onDeliver: (d) => {
          texts.push(d.shortMessage.toString('ascii'));
          if (d.shortMessage.includes('A2')) throw new Error('cannot store it now');
        },
      },
    );

    const answers = () => smsc.requests.filter((r) => r.command === 'deliver_sm_resp').map((r) => [r.sequence_number, r.command_status]);
    await waitFor(() => answers().length === 4, 'four answers', 10_000).catch((e) => { throw new Error(`${e.message}: ${JSON.stringify({ answers: answers(), unreadable, texts, closedFor })}`); });

    // ESME_RX_T_APPN: the SMSC delivers it again later; ESME_RX_P_APPN: it does not (the same octets would fail again).
    expect(answers()).toEqual([[7, 0], [8, 0x64], [9, 0x65], [10, 0]]);
    expect(unreadable).toEqual([expect.stringMatching(/^deliver_sm message_payload \(TLV 0x0424\): length 300 runs past the end of the PDU/)]);
    expect(texts).toEqual(['id:A1 stat:DELIVRD', 'id:A2 stat:DELIVRD', 'id:A4 stat:DELIVRD']);
    expect(closedFor).toBe('');
    expect(sut!.state).toBe('bound');
  }, 30_000);

  it('should frame every deliver_sm_resp right when answers fill more than one output buffer in a tick', async () => {
    const receipts = 6_000; // about 100 KiB of answers: past the 64 KiB output buffer
    const answered: Array<[number, number]> = [];
    const framing: string[] = [];
    server = createServer((socket: Socket) => {
      let input = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        input = Buffer.concat([input, chunk]);
        while (input.length >= 16) {
          const length = input.readUInt32BE(0);
          if (length < 16 || length > 1024) return void framing.push(`command_length ${length}`);
          if (input.length < length) break;
          const command = input.readUInt32BE(4);
          const sequence = input.readUInt32BE(12);
          if (command === 0x00000001) {
            // bind_receiver: bound, then every receipt in one write
            const all = Array.from({ length: receipts }, (_, i) =>
              new PDU('deliver_sm', { sequence_number: i + 1, esm_class: 0x04, short_message: Buffer.from(`id:A${i} stat:DELIVRD`) }).toBuffer());
            socket.write(Buffer.concat([new PDU('bind_receiver_resp', { sequence_number: sequence, system_id: 'smsc' }).toBuffer(), ...all]));
          } else if (command === 0x80000005) answered.push([sequence, input.readUInt32BE(8)]);
          else framing.push(`command_id 0x${command.toString(16)}`);
          input = input.subarray(length);
        }
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    // The receipts are all stored at once (as one write of the batcher), so every answer is written in the same tick.
    let store!: () => void;
    const stored = new Promise<void>((resolve) => (store = resolve));
    let seen = 0;
    sut = new EsmeSession(
      'receiver#1',
      { host: '127.0.0.1', port: (server.address() as AddressInfo).port, systemId: 'outage', password: 'secret', systemType: '', mode: 'receiver', window: 10, responseTimeoutMs: 10_000, enquireLinkMs: 60_000 },
      {
        onBound: () => {}, onResumed: () => {}, onClosed: () => {}, onUnreadable: () => {},
        onDeliver: () => {
          if (++seen === receipts) store();
          return stored;
        },
      },
    );

    await waitFor(() => answered.length === receipts || framing.length > 0, 'every answer', 20_000);
    expect(framing).toEqual([]);
    expect(answered).toEqual(Array.from({ length: receipts }, (_, i) => [i + 1, 0]));
  }, 30_000);
});
