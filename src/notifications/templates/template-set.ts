import { existsSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { statusUrl } from '../../incidents/public-code';
import { splitText } from '../../sms/segmentation';
import { SAMPLE_CODE, sampleInput, sampleVariants } from './template-sample';
import { CompiledTemplate, compileTemplate, TemplateSyntaxError } from './template-syntax';
import { TEMPLATE_VARIABLES, templateVars } from './template-vars';
import {
  MESSAGE_KINDS, MessageKind, TEMPLATE_LOCALES, TemplateChannel, TemplateLocale,
} from './template.types';

/** The most SMS parts a template may need for the sample, counted as UCS-2: Cyrillic names make it so. */
export const MAX_SMS_SEGMENTS = 2;

export interface EmailTemplate {
  subject: CompiledTemplate;
  body: CompiledTemplate;
}

export interface TemplateSet {
  sms: Map<string, CompiledTemplate>;
  email: Map<string, EmailTemplate>;
  /** Appended to every email body of the locale. */
  footers: Map<TemplateLocale, CompiledTemplate>;
}

export const templateKey = (locale: TemplateLocale, kind: MessageKind) => `${locale}/${kind}`;
export const templatePath = (dir: string, channel: TemplateChannel, locale: TemplateLocale, name: string) =>
  join(dir, channel, locale, `${name}.txt`);
export const FOOTER = '_footer';

export class TemplateConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Templates refused (fix or set TEMPLATES_DIR):\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Reads and compiles every template under `dir`, then checks them all: every kind × locale ×
 * channel present, well-formed, only known variables, SMS within two UCS-2 segments for the
 * sample. Throws one error listing every problem, each naming its file.
 */
export function loadTemplateSet(dir: string, publicBaseUrl: string): TemplateSet {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TemplateConfigError([`${dir}: no such directory`]);
  }
  const problems: string[] = [];
  const set: TemplateSet = { sms: new Map(), email: new Map(), footers: new Map() };

  /** The compiled template, or undefined (and its problems noted) when it cannot be used. */
  const compile = (file: string, source: string, lineOffset = 0): CompiledTemplate | undefined => {
    const before = problems.length;
    try {
      const template = compileTemplate(source);
      for (const use of template.uses) {
        const type = (TEMPLATE_VARIABLES as Record<string, string>)[use.name];
        const where = `${file}: line ${use.line + lineOffset}`;
        if (!type) problems.push(`${where}: unknown variable {{${use.name}}}`);
        else if (type === 'flag' && use.printed) problems.push(`${where}: {{${use.name}}} is a condition, use it as {{#if ${use.name}}}`);
      }
      return problems.length === before ? template : undefined;
    } catch (e) {
      if (!(e instanceof TemplateSyntaxError)) throw e;
      problems.push(`${file}: line ${e.line + lineOffset}: ${e.problem}`);
      return undefined;
    }
  };
  const read = (file: string): string | undefined => {
    if (existsSync(file)) return readFileSync(file, 'utf8');
    problems.push(`${file}: missing`);
    return undefined;
  };

  for (const locale of TEMPLATE_LOCALES) {
    for (const kind of MESSAGE_KINDS) {
      const smsFile = templatePath(dir, 'sms', locale, kind);
      const sms = read(smsFile);
      const compiled = sms === undefined ? undefined : compile(smsFile, sms);
      if (compiled) set.sms.set(templateKey(locale, kind), compiled);

      const emailFile = templatePath(dir, 'email', locale, kind);
      const email = read(emailFile);
      const head = email === undefined ? undefined : /^Subject:[ \t]*(.*)\r?\n(?:[ \t]*\r?\n)?/.exec(email);
      if (email !== undefined && !head) problems.push(`${emailFile}: line 1: must be "Subject: …", then the body`);
      if (email !== undefined && head) {
        const subject = compile(emailFile, head[1]);
        const body = compile(emailFile, email.slice(head[0].length), head[0].split('\n').length - 1);
        if (subject && body) set.email.set(templateKey(locale, kind), { subject, body });
      }
    }
    const footerFile = templatePath(dir, 'email', locale, FOOTER);
    const footer = read(footerFile);
    const compiled = footer === undefined ? undefined : compile(footerFile, footer);
    if (compiled) set.footers.set(locale, compiled);
  }

  for (const locale of TEMPLATE_LOCALES) {
    for (const kind of MESSAGE_KINDS) {
      const sms = set.sms.get(templateKey(locale, kind));
      const problem = sms && checkSmsLength(sms, kind, locale, publicBaseUrl);
      if (problem) problems.push(`${templatePath(dir, 'sms', locale, kind)}: ${problem}`);
    }
  }
  if (problems.length > 0) throw new TemplateConfigError(problems);
  return set;
}

export const smsText = (template: CompiledTemplate, vars: Parameters<CompiledTemplate['render']>[0]) => template.render(vars).trim();

function checkSmsLength(template: CompiledTemplate, kind: MessageKind, locale: TemplateLocale, publicBaseUrl: string): string | undefined {
  let longest = '';
  for (const input of sampleVariants(sampleInput(kind, locale, 'sms', publicBaseUrl))) {
    const text = smsText(template, templateVars(input));
    if (text.length > longest.length) longest = text;
  }
  const segments = splitText(longest, 'ucs2').length;
  if (segments <= MAX_SMS_SEGMENTS) return undefined;
  const link = statusUrl(publicBaseUrl, SAMPLE_CODE, locale).length;
  return `needs ${segments} SMS segments (${longest.length} UCS-2 characters, ${link} of them the link to PUBLIC_BASE_URL) for the sample, at most ${MAX_SMS_SEGMENTS} allowed: "${longest}"`;
}
