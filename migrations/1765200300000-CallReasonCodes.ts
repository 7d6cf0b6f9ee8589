import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A call task's reasons become codes with their parameters (a jsonb array of CallReason, see
 * src/calls/call-list.ts) instead of English sentences, so the console can word them in the
 * viewer's language. Stored sentences are read back into codes; one that is none of the
 * sentences the code wrote stays as {"code": "other", "text": …}. `down` writes the sentences.
 */
export class CallReasonCodes1765200300000 implements MigrationInterface {
  name = 'CallReasonCodes1765200300000';

  async up(q: QueryRunner): Promise<void> {
    // A function, because ALTER … USING takes no subquery; dropped again below.
    await q.query(`
      CREATE FUNCTION call_reason_codes(rs text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(jsonb_agg(CASE
          WHEN r IN ('vip customer', 'business customer') THEN jsonb_build_object('code', split_part(r, ' ', 1))
          WHEN r = 'no reachable channel' THEN '{"code": "unreachable"}'
          WHEN r = 'opted out of SMS (STOP), no other channel' THEN '{"code": "opted_out"}'
          WHEN r LIKE 'flagged: %' THEN jsonb_build_object('code', 'flagged', 'flags', string_to_array(substr(r, 10), ', '))
          WHEN m.repeat IS NOT NULL THEN jsonb_build_object('code', 'repeat_incidents', 'count', m.repeat[1]::int, 'days', m.repeat[2]::int)
          WHEN m.gave_up IS NOT NULL THEN jsonb_build_object('code', 'undelivered', 'channel', CASE m.gave_up[1] WHEN 'text' THEN 'sms' ELSE 'email' END,
                                                             'error', m.gave_up[3], 'attempts', m.gave_up[2]::int)
          WHEN m.failed IS NOT NULL THEN jsonb_build_object('code', 'undelivered', 'channel', CASE m.failed[1] WHEN 'text' THEN 'sms' ELSE 'email' END,
                                                            'error', nullif(m.failed[2], 'null'))
          ELSE jsonb_build_object('code', 'other', 'text', r)
        END ORDER BY n), '[]')
        FROM unnest(rs) WITH ORDINALITY u(r, n)
        CROSS JOIN LATERAL (SELECT regexp_match(r, '^hit by (\\d+) incidents in (\\d+) days$') AS repeat,
                                   regexp_match(r, '^(text|email) did not get through: gave up after (\\d+) attempts: (.*)$') AS gave_up,
                                   regexp_match(r, '^(text|email) did not get through: (.*)$') AS failed) m
      $$`);
    await q.query(`ALTER TABLE call_tasks ALTER COLUMN reasons TYPE jsonb USING call_reason_codes(reasons)`);
    await q.query(`DROP FUNCTION call_reason_codes(text[])`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION call_reason_sentences(rs jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
        SELECT ARRAY(SELECT CASE r->>'code'
          WHEN 'vip' THEN 'vip customer'
          WHEN 'business' THEN 'business customer'
          WHEN 'unreachable' THEN 'no reachable channel'
          WHEN 'opted_out' THEN 'opted out of SMS (STOP), no other channel'
          WHEN 'flagged' THEN 'flagged: ' || array_to_string(ARRAY(SELECT jsonb_array_elements_text(r->'flags')), ', ')
          WHEN 'repeat_incidents' THEN format('hit by %s incidents in %s days', r->>'count', r->>'days')
          WHEN 'undelivered' THEN CASE r->>'channel' WHEN 'sms' THEN 'text' ELSE 'email' END || ' did not get through: '
                                  || CASE WHEN r ? 'attempts' THEN format('gave up after %s attempts: ', r->>'attempts') ELSE '' END
                                  || coalesce(r->>'error', 'null')
          ELSE r->>'text'
        END FROM jsonb_array_elements(rs) WITH ORDINALITY u(r, n) ORDER BY n)
      $$`);
    await q.query(`ALTER TABLE call_tasks ALTER COLUMN reasons TYPE text[] USING call_reason_sentences(reasons)`);
    await q.query(`DROP FUNCTION call_reason_sentences(jsonb)`);
  }
}
