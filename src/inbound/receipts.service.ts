import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Batcher } from './batcher';
import { messagesCounter } from '../notifications/delivery.metrics';
import { smppReceiptLagSeconds, smppReceiptsUnmatched } from '../sms/smpp.metrics';
import { receiptsCounter } from './inbound.metrics';
import { ReceiptRow, ReceiptsRepository } from './receipts.repository';

const MAX_BATCH = 2000;
/**
 * Receipt writes in flight at once: with two windows of receipts or more (SMSC_RECEIVER_BINDS),
 * one is written while the other's commit and answers travel. bench:channels (e), 3 receiver binds:
 * 2,427 receipts a second with one writer, 6,694 with two.
 */
const WRITERS = 2;
const SWEEP_MS = 1000;
const LOGGED_IDS = 20;

/** What a receipt's write reads: the part ids it may match, its state, and the SMSC and bind it came on. */
export type Receipt = ReceiptRow;

/**
 * Delivery receipts → part and message states, in batches: a receipt's promise (and so the
 * SMSC's acknowledgement) settles only once the batch carrying it is committed. A receipt goes at
 * once when fewer than WRITERS writes run; those that come meanwhile go together in the next (see
 * Batcher), so a small deliver_sm window is answered without waiting and a flood in few writes:
 * the receipts of all binds (SMSC_RECEIVER_BINDS) share them. While receipts wait for their part to be
 * recorded, every batch retries them, and a sweep every second.
 */
@Injectable()
export class ReceiptsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReceiptsService.name);
  private readonly batcher: Batcher<Receipt>;
  private sweepTimer?: NodeJS.Timeout;
  private pending = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: ReceiptsRepository,
  ) {
    this.batcher = new Batcher((receipts) => this.write(receipts), { maxItems: MAX_BATCH, writers: WRITERS });
  }

  /** Resolves when the receipt is stored (matched, or waiting for its part); rejects if the write failed. */
  receive(receipt: Receipt): Promise<void> {
    return this.batcher.add(receipt);
  }

  /** The same, written in a batch of its own: a retry, so that one receipt that cannot be stored fails alone. */
  receiveAlone(receipt: Receipt): Promise<void> {
    return this.write([receipt]);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Receipts another worker left waiting before it stopped are swept here too.
    this.countPending(await this.repo.pendingBySmsc());
    // A batch counts the waiting receipts only when it added or retried some: each second they are
    // counted here (those of other workers too), and swept while there are any.
    this.sweepTimer = setInterval(() => {
      const sweep = this.pending ? this.batcher.flush() : this.repo.pendingBySmsc().then((counts) => this.countPending(counts));
      sweep.catch((err) => this.logger.warn({ msg: 'receipt sweep failed', err }));
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    // Receipts not written are refused, so the SMSC delivers them again to whoever binds next.
    await this.batcher.flush().catch((err) => this.logger.warn({ msg: 'last receipts not written', err }));
    await this.batcher.idle();
  }

  private async write(receipts: Receipt[]): Promise<void> {
    const started = Date.now();
    const received = new Date();
    const giveUpBefore = new Date(received.getTime() - this.config.inbound.receiptGraceSeconds * 1000);
    const result = await this.repo.apply(receipts, this.clock.now(), received, giveUpBefore, this.pending);
    if (result.pending) this.countPending(result.pending);
    for (const lag of result.lags) smppReceiptLagSeconds.observe({ smsc: lag.smsc, bind: lag.bind ?? '' }, lag.seconds);
    if (result.matched > 0) receiptsCounter.inc({ result: 'matched' }, result.matched);
    for (const m of result.settled) messagesCounter.inc({ channel: m.channel, kind: m.kind, outcome: m.state }, m.n);
    if (result.unknown.length > 0) {
      receiptsCounter.inc({ result: 'unknown' }, result.unknown.length);
      this.logger.debug({ msg: 'receipts for unknown ids', count: result.unknown.length, ids: result.unknown.slice(0, LOGGED_IDS) });
    }
    if (receipts.length > 0) {
      this.logger.debug({ msg: 'receipts written', receipts: receipts.length, matched: result.matched, waiting: result.pending, ms: Date.now() - started });
    }
  }

  /** The waiting receipts' gauge, and whether the next batch retries them. */
  private countPending(pending: Record<string, number>): void {
    this.pending = Object.values(pending).some((n) => n > 0);
    smppReceiptsUnmatched.reset();
    for (const { name } of this.config.smscRoutes) smppReceiptsUnmatched.set({ smsc: name }, 0);
    for (const [smsc, n] of Object.entries(pending)) smppReceiptsUnmatched.set({ smsc }, n);
  }
}
