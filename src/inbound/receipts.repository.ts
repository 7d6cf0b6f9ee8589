import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryReceipt } from '../sms/delivery-receipt';
import { CallListRepository } from '../calls/call-list.repository';
import { returning } from '../common/sql';
import { APP_CONFIG, AppConfig, DEFAULT_SMSC } from '../config/app-config';

/** A receipt and where it came from: `smsc` (unset: `default`) decides which parts it can match; `bind` labels its lag. */
export type ReceiptRow = Pick<DeliveryReceipt, 'idCandidates' | 'state' | 'error' | 'final'> & { smsc?: string; bind?: string };

/** Seconds from a text's hand-over to its final receipt, per part that receipt settled. */
export interface ReceiptLag {
  smsc: string;
  bind: string | null;
  seconds: number;
}

export interface ReceiptsApplied {
  matched: number;
  /** Ids given up on: no part had them within the grace period. */
  unknown: string[];
  /**
   * Receipts still waiting for their part, across all workers, by SMSC: counted when this batch
   * added some or retried the waiting ones (another worker may have matched them meanwhile: this
   * one's count would stay as it was), else undefined (nothing this batch did changed them).
   */
  pending?: Record<string, number>;
  lags: ReceiptLag[];
  /** Messages that reached a final state, by channel, kind and that state. */
  settled: Array<{ channel: string; kind: string; state: string; n: number }>;
}

/** Parts and what they belong to: notification messages, and our direct answers to replies. */
const TARGETS = [
  // A text to a customer that turns out undelivered puts them on the incident's call list.
  { parts: 'message_parts', owner: 'message_id', owners: 'messages', callList: true },
  { parts: 'inbound_reply_parts', owner: 'reply_id', owners: 'inbound_replies', callList: false },
] as const;
type Target = (typeof TARGETS)[number];

// Ids are normalised SMSC ids (no control characters), so the unit separator can join them.
const SEP = '\x1f';
// New receipts sort after every waiting one: pending ids stay far below this.
const NEW_ORDER = 1e12;
const FAILURE_ORDER = `CASE x.state WHEN 'rejected' THEN 0 WHEN 'undeliverable' THEN 1 WHEN 'deleted' THEN 2 ELSE 3 END`;

@Injectable()
export class ReceiptsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly callList: CallListRepository,
  ) {}

  /**
   * Applies a batch of receipts (and, with `retryWaiting`, the waiting ones) in one transaction:
   * per target one statement updates the parts and locks their messages, a second settles the
   * messages; receipts that found no part wait in pending_receipts until `giveUpBefore`, then come
   * back as unknown. A batch that matches all its receipts and retries none is BEGIN, those two
   * statements and COMMIT: the window of receipts in flight waits on these round trips.
   *
   * Another worker may be sweeping at the same moment: the waiting receipts are claimed first
   * (locked, skipping those another transaction holds), and only those claimed are retried,
   * deleted once matched and given up on, so each is applied and counted by one worker.
   */
  apply(receipts: ReceiptRow[], at: Date, receivedAt: Date, giveUpBefore: Date, retryWaiting = true): Promise<ReceiptsApplied> {
    return this.db.transaction(async (em) => {
      const claimed: string[] = !retryWaiting ? [] : (
        await em.query(`SELECT id FROM pending_receipts ORDER BY id FOR UPDATE SKIP LOCKED`)
      ).map((p: { id: string }) => p.id);
      const matched = new Set<number>();
      const lags: ReceiptLag[] = [];
      const settled = new Map<string, ReceiptsApplied['settled'][number]>();
      for (const target of TARGETS) {
        const { keys, owners, unmatched, lags: final } = await this.updateParts(em, target, receipts, claimed, [...matched], at);
        keys.forEach((k) => matched.add(k));
        lags.push(...final);
        const changed = owners.length > 0 ? await this.settleOwners(em, target, owners, at) : [];
        for (const m of changed) {
          const key = `${m.channel}|${m.kind}|${m.target}`;
          const entry = settled.get(key) ?? { channel: m.channel, kind: m.kind, state: m.target, n: 0 };
          settled.set(key, { ...entry, n: entry.n + 1 });
        }
        // Those whose text turned out undelivered now (not those already known to be), for the call list.
        const undelivered = changed
          .filter((r) => r.target !== 'delivered')
          .map((r) => ({ incidentId: r.incident_id, subscriberId: r.subscriber_id, reason: { code: 'undelivered' as const, channel: 'sms' as const, error: r.error } }));
        if (target.callList) await this.callList.addUndelivered(em, undelivered, this.config.callListFlags);
        if (unmatched === 0) break;
      }
      const matchedPending = [...matched].filter((k) => k < 0).map((k) => -k);
      if (matchedPending.length > 0) await em.query(`DELETE FROM pending_receipts WHERE id = ANY($1::bigint[])`, [matchedPending]);
      const waiting = receipts.filter((_, i) => !matched.has(i + 1));
      if (waiting.length > 0) {
        await em.query(
          `INSERT INTO pending_receipts (candidates, state, error, final, received_at, smsc, bind)
           SELECT string_to_array(c, chr(31)), s, e, f, $5, m, b
           FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $6::text[], $7::text[]) AS r(c, s, e, f, m, b)`,
          [
            waiting.map((r) => r.idCandidates.join(SEP)), waiting.map((r) => r.state), waiting.map((r) => r.error ?? null), waiting.map((r) => r.final), receivedAt,
            waiting.map((r) => r.smsc ?? DEFAULT_SMSC), waiting.map((r) => r.bind ?? null),
          ],
        );
      }
      const expired = claimed.length === 0 ? [] : await returning<{ id: string }>(
        em,
        `DELETE FROM pending_receipts WHERE id = ANY($1::bigint[]) AND received_at < $2 RETURNING candidates[1] AS id`,
        [claimed, giveUpBefore],
      );
      const pending = waiting.length > 0 || retryWaiting ? await this.pendingBySmsc(em) : undefined;
      return { matched: matched.size, unknown: expired.map((e) => e.id), pending, lags, settled: [...settled.values()] };
    });
  }

  /** Receipts waiting for their part, all workers', by SMSC (none: {}). */
  async pendingBySmsc(em: Pick<EntityManager, 'query'> = this.db): Promise<Record<string, number>> {
    const counts: Array<{ smsc: string; n: number }> = await em.query(`SELECT smsc, count(*)::int AS n FROM pending_receipts GROUP BY smsc`);
    return Object.fromEntries(counts.map((c) => [c.smsc, c.n]));
  }

  /**
   * Finds each receipt's part (its id as given first, then its other-base readings, among the
   * parts its SMSC took) among the new receipts and the claimed waiting ones, and records the
   * newest state per part; a final state is never overwritten by an intermediate one. Returns the
   * receipt keys that matched (new ones 1…n, waiting ones -id), the owners whose parts changed,
   * how many receipts found nothing, and the lag of each part a final receipt settled.
   *
   * An other-base reading names another part only while that part still waits for its final
   * receipt. A receipt can overtake the record of its own part (the SMSC answers submit_sm before
   * the worker commits, and receipts may come to another worker), and the digits of a hex id read
   * in decimal are often the id of a text sent long before (0x193708 read so is 0x2f4ac): matched
   * to that finished part, the receipt was lost to its own and overwrote the other's state. Now it
   * waits for its part like any early receipt. A second final receipt for a finished part that
   * names it only by another reading waits too, and is given up as unknown after the grace period.
   *
   * The parts are locked in provider_id order before the UPDATE writes them (it joins only rows
   * already locked), then the owners of those that changed in id order, so two batches touching
   * the same parts or owners wait for each other, never deadlock. The owners are locked here, and
   * read only by the next statement (see settleOwners).
   */
  private async updateParts(em: EntityManager, t: Target, receipts: ReceiptRow[], claimed: string[], exclude: number[], at: Date) {
    const [row]: Array<{ keys: string[]; owners: string[]; unmatched: number; lags: ReceiptLag[] }> = await em.query(
      `WITH r AS (
         SELECT n.key, n.smsc, n.bind, c.id AS candidate, c.rank, n.state, n.error, n.final, $7::bigint + n.key AS ord
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::boolean[], $10::text[], $11::text[]) AS n(key, candidates, state, error, final, smsc, bind)
         CROSS JOIN LATERAL unnest(string_to_array(n.candidates, chr(31))) WITH ORDINALITY AS c(id, rank)
         UNION ALL
         SELECT -p.id, p.smsc, p.bind, c.id, c.rank, p.state, p.error, p.final, p.id
         FROM pending_receipts p CROSS JOIN LATERAL unnest(p.candidates) WITH ORDINALITY AS c(id, rank)
         WHERE p.id = ANY($9::bigint[])
       ),
       hit AS (
         SELECT DISTINCT ON (r.key) r.key, x.provider_id, x.smsc, r.bind, r.state, r.error, r.final, r.ord
         FROM r CROSS JOIN LATERAL (
           -- By key, as below (= ANY of an array): joined, the planner hashed the whole parts table for every batch.
           SELECT p.provider_id, p.smsc FROM ${t.parts} p
           WHERE p.provider_id = r.candidate AND p.smsc = r.smsc AND (r.rank = 1 OR p.state IN ('accepted', 'enroute')) OFFSET 0
         ) x
         WHERE NOT (r.key = ANY($6::bigint[]))
         ORDER BY r.key, r.rank
       ),
       latest AS (
         SELECT DISTINCT ON (provider_id, smsc) * FROM hit ORDER BY provider_id, smsc, final DESC, ord DESC
       ),
       locked AS (
         SELECT l.* FROM latest l JOIN ${t.parts} x ON x.provider_id = l.provider_id AND x.smsc = l.smsc
         WHERE x.provider_id = ANY (ARRAY(SELECT provider_id FROM latest))
         ORDER BY x.provider_id, x.smsc FOR UPDATE OF x
       ),
       changed AS (
         UPDATE ${t.parts} x SET state = l.state, error = l.error, updated_at = $8
         FROM locked l
         WHERE x.provider_id = ANY (ARRAY(SELECT provider_id FROM locked))
           AND x.provider_id = l.provider_id AND x.smsc = l.smsc AND (l.final OR x.state IN ('accepted', 'enroute'))
         RETURNING x.${t.owner} AS owner, l.smsc, l.bind, l.final
       ),
       owners AS (
         SELECT o.id FROM ${t.owners} o WHERE o.id = ANY (ARRAY(SELECT DISTINCT owner FROM changed)) ORDER BY o.id FOR UPDATE
       )
       SELECT (SELECT coalesce(array_agg(key::text), '{}') FROM hit) AS keys,
              (SELECT coalesce(array_agg(id::text), '{}') FROM owners) AS owners,
              (SELECT count(DISTINCT key)::int FROM r WHERE NOT (key = ANY($6::bigint[]))) - (SELECT count(*)::int FROM hit) AS unmatched,
              (SELECT coalesce(json_agg(json_build_object('smsc', c.smsc, 'bind', c.bind, 'seconds', extract(epoch FROM $8 - o.sent_at))), '[]')
               FROM changed c JOIN ${t.owners} o ON o.id = c.owner WHERE c.final AND o.sent_at IS NOT NULL) AS lags`,
      [
        receipts.map((_, i) => i + 1), receipts.map((r) => r.idCandidates.join(SEP)), receipts.map((r) => r.state),
        receipts.map((r) => r.error ?? null), receipts.map((r) => r.final), exclude, NEW_ORDER, at, claimed,
        receipts.map((r) => r.smsc ?? DEFAULT_SMSC), receipts.map((r) => r.bind ?? null),
      ],
    );
    return { keys: row.keys.map(Number), owners: row.owners, unmatched: row.unmatched, lags: row.lags };
  }

  /**
   * A message is delivered when all its parts are, and has failed as soon as one part ended
   * expired, undeliverable or rejected (the worst of them, with its error). Messages never
   * handed over ('sending') or refused at submit ('failed') are left alone.
   *
   * Another worker may be applying the receipt of a sibling part at the same moment, unseen by
   * this transaction until it commits. So the owners are locked first, in id order (no deadlock
   * between batches), by the statement that updated the parts: whichever transaction comes second
   * waits there, and this statement, under a new snapshot (READ COMMITTED), reads both parts.
   */
  private settleOwners(em: EntityManager, t: Target, ownerIds: string[], at: Date) {
    return returning<{ incident_id: number; subscriber_id: number; channel: string; kind: string; target: string; error: string }>(
      em,
      `UPDATE ${t.owners} m
       SET state = s.target::message_state, error = s.error, updated_at = $2,
           delivered_at = CASE WHEN s.target = 'delivered' THEN coalesce(m.delivered_at, $2) ELSE m.delivered_at END
       FROM (
         SELECT a.id,
                CASE WHEN a.failed = 'deleted' THEN 'undeliverable'
                     WHEN a.failed IS NOT NULL THEN a.failed
                     WHEN a.all_delivered AND a.n >= coalesce(o.parts, 1) THEN 'delivered' END AS target,
                CASE WHEN a.failed IS NOT NULL
                     THEN upper(a.failed) || coalesce(' err:' || a.failed_error, '') ||
                          CASE WHEN a.n > 1 THEN format(' (part %s of %s)', a.failed_part, a.n) ELSE '' END END AS error
         FROM (
           SELECT x.${t.owner} AS id, count(*) AS n, bool_and(x.state = 'delivered') AS all_delivered,
                  (array_agg(x.state ORDER BY ${FAILURE_ORDER}, x.part) FILTER (WHERE x.state IN ('rejected', 'undeliverable', 'deleted', 'expired')))[1] AS failed,
                  (array_agg(x.error ORDER BY ${FAILURE_ORDER}, x.part) FILTER (WHERE x.state IN ('rejected', 'undeliverable', 'deleted', 'expired')))[1] AS failed_error,
                  (array_agg(x.part ORDER BY ${FAILURE_ORDER}, x.part) FILTER (WHERE x.state IN ('rejected', 'undeliverable', 'deleted', 'expired')))[1] AS failed_part
           FROM ${t.parts} x WHERE x.${t.owner} = ANY($1::bigint[]) GROUP BY x.${t.owner}
         ) a JOIN ${t.owners} o ON o.id = a.id
       ) s
       WHERE m.id = s.id AND s.target IS NOT NULL AND m.state NOT IN ('sending', 'failed')
         AND (m.state::text, m.error) IS DISTINCT FROM (s.target, s.error)
       ${t.callList ? 'RETURNING m.incident_id, m.subscriber_id, m.channel, m.kind, s.target, s.error' : ''}`,
      [ownerIds, at],
    );
  }
}
