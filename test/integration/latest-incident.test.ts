import { InboundService } from '../../src/inbound/inbound.service';
import { TestEngine } from '../support/engine';
import { seedTopology, SubscriberKey, SUBSCRIBERS } from '../support/topology';

/**
 * Free-text feedback goes to the incident that most recently found the sender affected. The
 * impact has no index by subscriber, so this is found through the incidents (newest
 * impact_added_at first): an incident widened later is first in that order without holding the
 * sender's newest row, and must not win over it.
 */
const DAY = '2026-11-24';
const at = (hhmm: string) => `${DAY}T${hhmm}:00Z`;

describe('feedback on the latest incident', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;

  const declare = async (scope: Record<string, string[]>) => {
    const res = await engine.api.post('/v1/incidents', { title: 'Ring failure', kind: 'outage', scope });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id as number;
  };

  const feedbackIncident = async (k: SubscriberKey, text: string) => {
    await engine.worker!.get(InboundService).handle({ kind: 'mo', from: SUBSCRIBERS[k].phone, to: 'Outages', text, dataCoding: 8, receivedAt: new Date() });
    const [row] = await engine.api.db.query(`SELECT incident_id, subscriber_id FROM feedback WHERE body = $1`, [text]);
    return row;
  };

  beforeAll(async () => {
    engine = await TestEngine.start();
    ids = await seedTopology(engine.api);
  });
  afterAll(() => engine.stop());

  it('should pick the newest added_at, not the incident changed last', async () => {
    engine.setNow(at('07:10'));
    const older = await declare({ elementCodes: ['OLT-1'] }); // s1 and s4, at 07:10
    engine.setNow(at('07:15'));
    const newer = await declare({ areaCodes: ['DIST-A1a'] }); // s1, at 07:15
    expect(await feedbackIncident('s1', 'first words')).toEqual({ incident_id: newer, subscriber_id: ids.s1 });

    engine.setNow(at('07:20'));
    const widened = await engine.api.post(`/v1/incidents/${older}/updates`, { scope: { elementCodes: ['OLT-1', 'OLT-3'] } }); // + s2
    expect(widened.status).toBe(200);
    expect(await feedbackIncident('s1', 'second words')).toEqual({ incident_id: newer, subscriber_id: ids.s1 });
    expect(await feedbackIncident('s2', 'words of s2')).toEqual({ incident_id: older, subscriber_id: ids.s2 });
  });

  it('should keep feedback of someone no incident affected without an incident', async () => {
    expect(await feedbackIncident('s3', 'nothing wrong here')).toEqual({ incident_id: null, subscriber_id: ids.s3 });
  });
});
