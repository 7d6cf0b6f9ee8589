import { Logger } from '@nestjs/common';
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { detectEncoding, splitText } from '../../sms/segmentation';
import { sampleInput, sampleVariants } from './template-sample';
import { TemplateService } from './template.service';
import { sharedVars } from './template-vars';
import { MESSAGE_KINDS, RenderInput, TEMPLATE_CHANNELS, TEMPLATE_LOCALES } from './template.types';

const DEFAULTS = join(__dirname, '../../../config/templates');
// 30 characters: the longest PUBLIC_BASE_URL the default templates promise two parts for (README, Templates)
const BASE_URL = 'https://status.operator-xyz.ru';
const COMBOS = TEMPLATE_LOCALES.flatMap((locale) =>
  TEMPLATE_CHANNELS.flatMap((channel) => MESSAGE_KINDS.map((kind) => ({ kind, locale, channel }))),
);

describe(TemplateService.name, () => {
  let sut: TemplateService;
  beforeAll(() => {
    Logger.overrideLogger(false);
    sut = new TemplateService({ templatesDir: DEFAULTS, publicBaseUrl: BASE_URL });
  });

  describe('default templates', () => {
    it.each(COMBOS)('should render $channel/$locale/$kind for every incident kind, with and without manager and ETR, leaving no tags', ({ kind, locale, channel }) => {
      for (const input of sampleVariants(sampleInput(kind, locale, channel, BASE_URL))) {
        const message = sut.render(input);
        for (const part of [message.text, message.subject ?? '', message.html ?? '']) {
          expect(part).not.toMatch(/{{|}}/);
          expect(part).not.toMatch(/undefined|null|NaN|true|false/);
        }
        expect(message.text.length).toBeGreaterThan(40);
        if (channel === 'email') {
          expect(message.subject).toMatch(/\S/);
          expect(message.html).toContain(`href="${BASE_URL}/s/7KQF-M2XA/${locale}"`); // the page in the message's language
        } else {
          expect(message.subject).toBeUndefined();
          expect(message.html).toBeUndefined();
        }
      }
    });

    it.each(COMBOS)('should render $channel/$locale/$kind from variables shared by a batch exactly as on its own, each reader with their name and link', ({ kind, locale, channel }) => {
      for (const input of sampleVariants(sampleInput(kind, locale, channel, BASE_URL))) {
        const shared = sharedVars(input);
        for (const reader of [{ subscriberName: ' Анна ', unsubscribeUrl: `${BASE_URL}/u/1` }, { subscriberName: 'Bob', unsubscribeUrl: `${BASE_URL}/u/2` }]) {
          const own = { ...input, ...reader, unsubscribeUrl: channel === 'email' ? reader.unsubscribeUrl : undefined };
          const message = sut.renderFor(shared, own);
          expect(message).toEqual(sut.render(own));
          if (channel === 'email') expect(message.text).toContain(reader.subscriberName.trim());
        }
      }
    });

    it.each(TEMPLATE_LOCALES)('should keep every %s SMS within 2 UCS-2 segments for the Russian sample', (locale) => {
      for (const kind of MESSAGE_KINDS) {
        for (const input of sampleVariants(sampleInput(kind, locale, 'sms', BASE_URL))) {
          const { text } = sut.render(input);
          expect({ kind, text, fits: splitText(text, 'ucs2').length <= 2 }).toEqual({ kind, text, fits: true });
        }
      }
    });

    it('should keep English SMS in GSM 7-bit when the names are Latin', () => {
      for (const kind of MESSAGE_KINDS) {
        const input = latin(sampleInput(kind, 'en', 'sms', BASE_URL));
        expect({ kind, encoding: detectEncoding(sut.render(input).text) }).toEqual({ kind, encoding: 'gsm7' });
      }
    });

    it('should name the manager and the ETR in the subscriber\'s zone in a notice', () => {
      const input = sampleInput('notice', 'ru', 'sms', BASE_URL);
      expect(sut.render(input).text).toContain('Починим сегодня до 18:00');
      expect(sut.render(input).text).toContain('Екатерина Воронцова +79131234567');
      expect(sut.render({ ...input, timezone: 'Asia/Vladivostok' }).text).toContain('Починим завтра до 01:00');
      expect(sut.render({ ...input, manager: null }).text).toContain('Менеджера скоро назначим');
    });

    it('should own up to a slipped ETR and count the slips', () => {
      const input = sampleInput('etr_change', 'en', 'email', BASE_URL);
      const { text } = sut.render(input);
      expect(text).toContain('We were wrong about the time');
      expect(text).toContain('This is the 3rd delay');
      expect(text).toContain('We said today by 18:00; now we expect to be done tomorrow by 09:30');
      const earlier = sut.render({ ...input, incident: { ...input.incident, etr: new Date('2026-11-24T12:00:00Z') } });
      expect(earlier.text).toContain('Good news');
      expect(earlier.text).not.toContain('sorry');
    });

    it('should use maintenance wording for planned work', () => {
      const input = sampleInput('restored', 'ru', 'sms', BASE_URL);
      expect(sut.render({ ...input, incident: { ...input.incident, kind: 'maintenance' } }).text).toMatch(/^Плановые работы закончены/);
      expect(sut.render(input).text).toContain('Простите за 2 ч 18 мин без связи');
    });
  });

  describe('email', () => {
    it('should escape names and titles in the HTML part and keep them as written in the text', () => {
      const input = sampleInput('notice', 'en', 'email', BASE_URL);
      const message = sut.render({
        ...input,
        subscriberName: '<script>alert(1)</script>',
        incident: { ...input.incident, title: 'Fibre "cut" & <b>loss</b>' },
      });
      expect(message.text).toContain('Hello <script>alert(1)</script>,');
      expect(message.html).not.toContain('<script>');
      expect(message.html).not.toContain('<b>');
      expect(message.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,');
      expect(message.html).toContain('Fibre &quot;cut&quot; &amp; &lt;b&gt;loss&lt;/b&gt;');
    });

    it('should make links clickable without the punctuation after them, and keep paragraphs', () => {
      const { html } = sut.render(sampleInput('etr_change', 'ru', 'email', BASE_URL));
      expect(html).toContain(`<a href="${BASE_URL}/s/7KQF-M2XA/ru">${BASE_URL}/s/7KQF-M2XA/ru</a> (код 7KQF-M2XA)`);
      expect(html).toContain('<p>Здравствуйте, Александра Воскресенская!</p>');
      expect(html).toMatch(/<br>\n/);
    });

    it('should keep a subject on one line whatever the title holds', () => {
      const input = sampleInput('notice', 'en', 'email', BASE_URL);
      const { subject } = sut.render({ ...input, incident: { ...input.incident, title: 'Cut\r\nBcc: x@example.net' } });
      expect(subject).toBe('Outage: Cut Bcc: x@example.net [7KQF-M2XA]');
    });

    it('should add the unsubscribe link under the body only when there is one', () => {
      const input = sampleInput('followup', 'en', 'email', BASE_URL);
      expect(sut.render(input).text).toMatch(new RegExp(`Unsubscribe from these emails: ${BASE_URL.replace(/\./g, "\\.")}/unsubscribe/x+$`));
      expect(sut.render({ ...input, unsubscribeUrl: undefined }).text).not.toContain('Unsubscribe');
    });
  });

  describe('checks at start-up', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'templates-'));
      cpSync(DEFAULTS, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const load = () => new TemplateService({ templatesDir: dir, publicBaseUrl: BASE_URL });

    it('should start from a copy of the defaults', () => {
      expect(() => load()).not.toThrow();
    });

    it('should give each reader their own text from shared variables when an SMS template names the reader', () => {
      writeFileSync(join(dir, 'sms/en/notice.txt'), '{{name}}, sorry: an outage. {{statusUrl}}');
      const input = sampleInput('notice', 'en', 'sms', BASE_URL);
      const shared = sharedVars(input);
      const texts = ['Ann', 'Bob', 'Ann'].map((name) => load().renderFor(shared, { ...input, subscriberName: name }).text);
      const one = load();
      expect(['Ann', 'Bob'].map((name) => one.renderFor(shared, { ...input, subscriberName: name }).text)).toEqual(texts.slice(0, 2));
      expect(texts).toEqual([`Ann, sorry: an outage. ${BASE_URL}/s/7KQF-M2XA/en`, `Bob, sorry: an outage. ${BASE_URL}/s/7KQF-M2XA/en`, `Ann, sorry: an outage. ${BASE_URL}/s/7KQF-M2XA/en`]);
    });

    it('should refuse an unknown variable, naming the file and line', () => {
      writeFileSync(join(dir, 'sms/ru/notice.txt'), 'Извините.\nМенеджер {{managerNmae}} {{statusUrl}}');
      expect(load).toThrow(`${join(dir, 'sms/ru/notice.txt')}: line 2: unknown variable {{managerNmae}}`);
    });

    it('should refuse a flag printed as text in an email body, counting lines from the top of the file', () => {
      writeFileSync(join(dir, 'email/en/restored.txt'), 'Subject: Back [{{code}}]\n\nHello,\n{{maintenance}}');
      expect(load).toThrow(`${join(dir, 'email/en/restored.txt')}: line 4: {{maintenance}} is a condition`);
    });

    it('should refuse a section that is never closed, naming the file and line', () => {
      writeFileSync(join(dir, 'email/ru/restored.txt'), 'Subject: Связь восстановлена\n\nЗдравствуйте!\n{{#if etrKnown}}\n');
      expect(load).toThrow(`${join(dir, 'email/ru/restored.txt')}: line 4: {{#if etrKnown}} is never closed`);
    });

    it('should refuse an SMS that needs more than 2 UCS-2 segments for the sample, naming the file', () => {
      writeFileSync(join(dir, 'sms/en/followup.txt'), `${'We are very sorry. '.repeat(6)}{{manager}} {{statusUrl}}`);
      expect(load).toThrow(new RegExp(`${join(dir, 'sms/en/followup.txt')}: needs 3 SMS segments \\(\\d+ UCS-2 characters, \\d+ of them the link to PUBLIC_BASE_URL\\)`));
    });

    it('should refuse a missing template and an email without a subject, naming each file', () => {
      unlinkSync(join(dir, 'email/ru/summary.txt'));
      writeFileSync(join(dir, 'email/en/correction.txt'), 'Sorry for the bother.');
      expect(load).toThrow(`${join(dir, 'email/ru/summary.txt')}: missing`);
      expect(load).toThrow(`${join(dir, 'email/en/correction.txt')}: line 1: must be "Subject: …"`);
    });

    it('should refuse a templates directory that does not exist', () => {
      expect(() => new TemplateService({ templatesDir: join(dir, 'nope'), publicBaseUrl: BASE_URL })).toThrow(/nope: no such directory/);
    });
  });

  it('should render 20,000 messages of every kind, locale and channel', () => {
    const zones = ['Europe/Moscow', 'Asia/Novosibirsk', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Asia/Kamchatka'];
    const inputs = Array.from({ length: 20_000 }, (_, i) => {
      const { kind, locale, channel } = COMBOS[i % COMBOS.length];
      return { ...sampleInput(kind, locale, channel, BASE_URL), timezone: zones[i % zones.length], subscriberName: `Абонент ${i}` };
    });
    for (const input of inputs.slice(0, 2000)) sut.render(input);
    const started = process.hrtime.bigint();
    let chars = 0;
    for (const input of inputs) chars += sut.render(input).text.length;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(`rendered 20,000 messages (half SMS, half email with HTML) in ${ms.toFixed(0)} ms\n`);
    expect(chars).toBeGreaterThan(20_000 * 50);
  });
});

function latin(input: RenderInput): RenderInput {
  return {
    ...input,
    subscriberName: 'Alexandra Voskresenskaya',
    manager: { name: 'Ekaterina Vorontsova', phone: '+79131234567' },
    incident: { ...input.incident, title: 'No internet in Leninsky district', publicMessage: null },
  };
}
