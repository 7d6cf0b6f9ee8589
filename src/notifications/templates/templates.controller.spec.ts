import { Logger } from '@nestjs/common';
import { join } from 'path';
import { ValidationFailed } from '../../common/errors';
import { TemplateService } from './template.service';
import { TemplatesController } from './templates.controller';

describe(TemplatesController.name, () => {
  let sut: TemplatesController;
  beforeAll(() => {
    Logger.overrideLogger(false);
    const templates = new TemplateService({ templatesDir: join(__dirname, '../../../config/templates'), publicBaseUrl: 'https://status.example.ru' });
    sut = new TemplatesController(templates);
  });

  it('should preview an SMS with its encoding, segments and length', () => {
    const preview = sut.preview({ kind: 'notice', locale: 'ru', channel: 'sms' });
    expect(preview).toEqual({
      kind: 'notice', locale: 'ru', channel: 'sms', text: expect.stringContaining('https://status.example.ru/s/7KQF-M2XA/ru'),
      encoding: 'ucs2', segments: 2, characters: preview.text.length,
    });
    expect(preview.text).toContain('сегодня до 18:00');
  });

  it('should preview an email with its subject and HTML part', () => {
    const preview = sut.preview({ kind: 'followup', locale: 'en', channel: 'email' });
    expect(preview.subject).toBe('How did we do? Rate us from 1 to 5 [7KQF-M2XA]');
    expect(preview.html).toContain('<p>Hello Александра Воскресенская,</p>');
  });

  const errorsOf = (query: Record<string, unknown>) => {
    try {
      sut.preview(query);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationFailed);
      expect((e as ValidationFailed).status).toBe(422);
      return (e as ValidationFailed).details;
    }
    throw new Error('no error');
  };

  it('should answer 422 naming each missing or wrong field', () => {
    expect(errorsOf({ kind: 'notise', channel: 'fax' })).toEqual([
      { field: 'kind', message: expect.stringContaining('must be one of notice, etr_change') },
      { field: 'locale', message: 'is required' },
      { field: 'channel', message: 'must be one of sms, email' },
    ]);
  });

  it('should answer 422 for an unknown query field and a repeated one', () => {
    expect(errorsOf({ kind: 'notice', locale: ['ru', 'en'], channel: 'sms', lang: 'ru' })).toEqual([
      { field: 'lang', message: 'is not a known field' },
      { field: 'locale', message: 'must be a string' },
    ]);
  });
});
