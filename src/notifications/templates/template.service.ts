import { Inject, Injectable, Logger } from '@nestjs/common';
import { detectEncoding, countSegments } from '../../sms/segmentation';
import { AppConfig, APP_CONFIG } from '../../config/app-config';
import { textToHtml } from './email-html';
import { sampleInput } from './template-sample';
import { loadTemplateSet, smsText, templateKey, TemplateSet } from './template-set';
import { templateVars } from './template-vars';
import {
  MESSAGE_KINDS, MessageKind, RenderedMessage, RenderInput, TEMPLATE_CHANNELS, TEMPLATE_LOCALES, TemplateChannel,
  TemplateLocale, TemplatePreview,
} from './template.types';

/**
 * Renders customer messages from the template files, compiled and checked once at start-up:
 * a broken or too-long template stops the process instead of reaching a subscriber.
 */
@Injectable()
export class TemplateService {
  private readonly logger = new Logger(TemplateService.name);
  private readonly set: TemplateSet;
  private readonly publicBaseUrl: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'templatesDir' | 'publicBaseUrl'>) {
    this.publicBaseUrl = config.publicBaseUrl;
    this.set = loadTemplateSet(config.templatesDir, config.publicBaseUrl);
    const count = MESSAGE_KINDS.length * TEMPLATE_LOCALES.length * TEMPLATE_CHANNELS.length;
    this.logger.log({ msg: 'templates loaded', dir: config.templatesDir, templates: count });
  }

  render(input: RenderInput): RenderedMessage {
    const vars = templateVars(input);
    const key = templateKey(input.locale, input.kind);
    if (input.channel === 'sms') return { text: smsText(this.set.sms.get(key)!, vars) };

    const email = this.set.email.get(key)!;
    const body = email.body.render(vars).trim();
    const footer = this.set.footers.get(input.locale)!.render(vars).trim();
    const text = footer ? `${body}\n\n${footer}` : body;
    // Titles come from operators' forms: a line break in them must not become a second header.
    const subject = email.subject.render(vars).replace(/\s+/g, ' ').trim();
    return { subject, text, html: textToHtml(text, input.locale) };
  }

  /** The sample subscriber's message, with what it costs as SMS. */
  preview(kind: MessageKind, locale: TemplateLocale, channel: TemplateChannel): TemplatePreview {
    const message = this.render(sampleInput(kind, locale, channel, this.publicBaseUrl));
    return {
      kind,
      locale,
      channel,
      ...message,
      encoding: detectEncoding(message.text),
      segments: countSegments(message.text),
      characters: [...message.text].length,
    };
  }
}
