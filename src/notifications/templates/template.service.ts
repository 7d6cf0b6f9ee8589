import { Inject, Injectable, Logger } from '@nestjs/common';
import { detectEncoding, countSegments } from '../../sms/segmentation';
import { AppConfig, APP_CONFIG } from '../../config/app-config';
import { textToHtml } from './email-html';
import { sampleInput } from './template-sample';
import { loadTemplateSet, smsText, templateKey, TemplateSet } from './template-set';
import { readerVars, SharedVars, templateVars } from './template-vars';
import { CompiledTemplate, TemplateVars } from './template-syntax';
import {
  MESSAGE_KINDS, MessageKind, RenderedMessage, RenderInput, TEMPLATE_CHANNELS, TEMPLATE_LOCALES, TemplateChannel,
  TemplateLocale, TemplatePreview,
} from './template.types';

/** The variables that differ between readers of the same incident's message. */
const READER_VARIABLES = ['name', 'unsubscribeUrl'];

/**
 * Renders customer messages from the template files, compiled and checked once at start-up:
 * a broken or too-long template stops the process instead of reaching a subscriber.
 */
@Injectable()
export class TemplateService {
  private readonly logger = new Logger(TemplateService.name);
  private readonly set: TemplateSet;
  private readonly publicBaseUrl: string;
  /** "channel/locale/kind" of the messages whose templates use a variable of the reader. */
  private readonly byReader = new Set<string>();
  /** Messages the same for every reader, by the shared variables they were rendered from. */
  private readonly rendered = new WeakMap<SharedVars, RenderedMessage>();

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'templatesDir' | 'publicBaseUrl'>) {
    this.publicBaseUrl = config.publicBaseUrl;
    this.set = loadTemplateSet(config.templatesDir, config.publicBaseUrl);
    const reads = (t: CompiledTemplate | undefined) => t?.uses.some((u) => READER_VARIABLES.includes(u.name)) ?? false;
    for (const [key, t] of this.set.sms) if (reads(t)) this.byReader.add(`sms/${key}`);
    for (const [key, t] of this.set.email) {
      if (reads(t.subject) || reads(t.body) || reads(this.set.footers.get(key.split('/')[0] as TemplateLocale))) this.byReader.add(`email/${key}`);
    }
    const count = MESSAGE_KINDS.length * TEMPLATE_LOCALES.length * TEMPLATE_CHANNELS.length;
    this.logger.log({ msg: 'templates loaded', dir: config.templatesDir, templates: count });
  }

  render(input: RenderInput): RenderedMessage {
    return this.renderVars(input, templateVars(input));
  }

  /**
   * One reader's message from the variables a batch computed once for many (`sharedVars`). A
   * message whose templates use neither the name nor the unsubscribe link (the default texts) is
   * the same for every reader of `shared`: it is rendered once for them all.
   */
  renderFor(shared: SharedVars, input: Pick<RenderInput, 'kind' | 'locale' | 'channel' | 'subscriberName' | 'unsubscribeUrl'>): RenderedMessage {
    const common = !this.byReader.has(`${input.channel}/${templateKey(input.locale, input.kind)}`);
    let message = common ? this.rendered.get(shared) : undefined;
    if (!message) {
      message = this.renderVars(input, readerVars(shared, input.subscriberName, input.unsubscribeUrl));
      if (common) this.rendered.set(shared, message);
    }
    return message;
  }

  private renderVars(input: Pick<RenderInput, 'kind' | 'locale' | 'channel'>, vars: TemplateVars): RenderedMessage {
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
