import { countSegments } from '../sms/segmentation';
import { OpenIncident, optInText, optOutText, statusText } from './reply-texts';

const NOW = new Date('2026-11-24T07:10:00Z');
const BASE = 'https://status.example.ru';
const outage: OpenIncident = { code: '7KQF-M2XA', kind: 'outage', status: 'investigating', etr: new Date('2026-11-24T11:00:00Z') };

describe(statusText.name, () => {
  it('should give status, ETR in the subscriber zone and the status link when an incident is open', () => {
    const sut = statusText('ru', [outage], NOW, 'Asia/Novosibirsk', BASE);
    expect(sut).toBe('Авария в сети 7KQF-M2XA: выясняем причину. Срок: сегодня до 18:00. https://status.example.ru/s/7KQF-M2XA/ru');
  });

  it('should speak English when the subscriber does', () => {
    const sut = statusText('en', [{ ...outage, status: 'identified', etr: null }], NOW, 'Europe/Moscow', BASE);
    expect(sut).toBe('Network outage 7KQF-M2XA: cause found. Expected fix: not known yet. https://status.example.ru/s/7KQF-M2XA/en');
  });

  it('should say there are no known outages when none is open', () => {
    expect(statusText('en', [], NOW, 'Europe/Moscow', BASE)).toBe('No known outages affecting you right now.');
    expect(statusText('ru', [], NOW, 'Europe/Moscow', BASE)).toBe('Известных аварий по вашему адресу сейчас нет.');
  });

  it('should list at most three incidents and count the rest', () => {
    const many = ['A', 'B', 'C', 'D', 'E'].map((c) => ({ ...outage, code: `CODE-${c}` }));
    const sut = statusText('en', many, NOW, 'Europe/Moscow', BASE).split('\n');
    expect(sut).toHaveLength(4);
    expect(sut[3]).toBe('And 2 more.');
  });

  it('should fit one incident into two UCS-2 segments, as the templates must', () => {
    const sut = statusText('ru', [{ ...outage, kind: 'degradation', status: 'monitoring' }], NOW, 'Europe/Moscow', BASE);
    expect(countSegments(sut)).toBeLessThanOrEqual(2);
  });
});

describe('confirmations', () => {
  it.each(['ru', 'en'] as const)('should name the way back in %s and fit two segments', (locale) => {
    expect(optOutText(locale)).toMatch(locale === 'ru' ? /СТАРТ/ : /START/);
    expect(optInText(locale)).toMatch(locale === 'ru' ? /СТОП/ : /STOP/);
    expect(countSegments(optOutText(locale))).toBeLessThanOrEqual(2);
    expect(countSegments(optInText(locale))).toBeLessThanOrEqual(2);
  });
});
