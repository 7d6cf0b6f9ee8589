import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../common/sql';

/** What an emptied message keeps: its state, times, parts and counts; not to whom it went or what it said. */
const EMPTY_MESSAGE = `recipient = NULL, subject = NULL, body = NULL, error = NULL`;
const EMPTY_ANSWER = `recipient = NULL, body = NULL, error = NULL`;

/** The SQL that removes personal data past its time, or one person's at their request. */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Incidents whose messages may hold data older than `before`, and whether nothing of theirs can change any more. */
  async incidentsToSweep(before: Date): Promise<Array<{ id: number; finished: boolean }>> {
    return this.db.query(
      `SELECT i.id,
              i.status IN ('resolved', 'cancelled') AND coalesce(i.resolved_at, i.cancelled_at, i.updated_at) < $1
                AND NOT EXISTS (SELECT 1 FROM notification_threads t WHERE t.incident_id = i.id AND t.state <> 'idle') AS finished
       FROM incidents i WHERE NOT i.retention_done AND i.created_at < $1 ORDER BY i.id`,
      [before],
    );
  }

  /** One incident's messages and call notes older than `before`; a finished incident is never read again. */
  async sweepIncident(incidentId: number, before: Date, finished: boolean): Promise<{ messages: number; callNotes: number }> {
    return this.db.transaction(async (em) => {
      const messages = await execute(em, `UPDATE messages SET ${EMPTY_MESSAGE} WHERE incident_id = $1 AND created_at < $2 AND body IS NOT NULL`, [incidentId, before]);
      const callNotes =
        (await execute(em, `UPDATE call_tasks SET note = NULL WHERE incident_id = $1 AND note IS NOT NULL AND last_called_at < $2`, [incidentId, before])) +
        (await execute(em, `UPDATE call_attempts SET note = NULL WHERE incident_id = $1 AND note IS NOT NULL AND at < $2`, [incidentId, before]));
      if (finished) await em.query(`UPDATE incidents SET retention_done = true WHERE id = $1`, [incidentId]);
      return { messages, callNotes };
    });
  }

  /** Replies (their sender and text), our answers to them, and what waits or was set aside from a number. */
  async sweepInbound(before: Date): Promise<Record<string, number>> {
    const em = this.db.manager;
    return {
      replies: await execute(em, `UPDATE inbound_messages SET sender = NULL, body = NULL WHERE received_at < $1 AND body IS NOT NULL`, [before]),
      feedback: await execute(em, `UPDATE feedback SET body = NULL WHERE received_at < $1 AND body IS NOT NULL`, [before]),
      answers: await execute(em, `UPDATE inbound_replies SET ${EMPTY_ANSWER} WHERE created_at < $1 AND body IS NOT NULL`, [before]),
      replyParts: await execute(em, `DELETE FROM inbound_mo_parts WHERE received_at < $1`, [before]),
      droppedCounts: await execute(em, `DELETE FROM inbound_dropped WHERE hour < $1`, [before]),
      quarantine: await execute(em, `DELETE FROM inbound_quarantine WHERE received_at < $1`, [before]),
    };
  }

  async deleteAudit(before: Date): Promise<number> {
    return execute(this.db.manager, `DELETE FROM audit_log WHERE at < $1`, [before]);
  }

  /**
   * Erases one subscriber everywhere, in one transaction: their row keeps its id, area, access
   * element and tier (the counts), everything else that names or reaches them is emptied, and the
   * rows that hold their number only go. Returns when they were erased (the first time, if before).
   */
  async eraseSubscriber(id: number, at: Date): Promise<Date | undefined> {
    return this.db.transaction(async (em) => {
      const [s]: Array<{ phone: string | null; erased_at: Date | null }> = await em.query(
        `SELECT phone, erased_at FROM subscribers WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!s) return undefined;
      if (s.erased_at) return s.erased_at;
      // The SMSC may give a number with or without its +.
      const numbers = s.phone ? [s.phone, s.phone.replace(/^\+/, '')] : [];
      await this.eraseTraces(em, id, numbers);
      await em.query(
        `UPDATE subscribers SET external_id = 'erased:' || id, name = '', phone = NULL, email = NULL, timezone = NULL,
                quiet_start = NULL, quiet_end = NULL, flags = '{}', sms_consent = false, email_consent = false,
                erased_at = $2, updated_at = $2
         WHERE id = $1`,
        [id, at],
      );
      return at;
    });
  }

  private async eraseTraces(em: EntityManager, id: number, numbers: string[]): Promise<void> {
    await em.query(`UPDATE messages SET ${EMPTY_MESSAGE} WHERE subscriber_id = $1 AND body IS NOT NULL`, [id]);
    await em.query(`UPDATE inbound_messages SET sender = NULL, body = NULL WHERE subscriber_id = $1 OR sender = ANY($2::text[])`, [id, numbers]);
    await em.query(`UPDATE inbound_replies SET ${EMPTY_ANSWER} WHERE subscriber_id = $1`, [id]);
    await em.query(`UPDATE feedback SET body = NULL WHERE subscriber_id = $1 AND body IS NOT NULL`, [id]);
    await em.query(`UPDATE call_tasks SET note = NULL, reasons = '[]' WHERE subscriber_id = $1`, [id]);
    await em.query(`UPDATE call_attempts SET note = NULL WHERE subscriber_id = $1 AND note IS NOT NULL`, [id]);
    await em.query(`DELETE FROM inbound_quarantine WHERE sender = ANY($1::text[])`, [numbers]);
    await em.query(`DELETE FROM inbound_mo_parts WHERE sender = ANY($1::text[])`, [numbers]);
    await em.query(`DELETE FROM inbound_dropped WHERE sender = ANY($1::text[])`, [numbers]);
  }
}
