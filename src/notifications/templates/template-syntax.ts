/**
 * The template language: `{{name}}` prints a variable, `{{#if name}}…{{else}}…{{/if}}` keeps a
 * section when the variable is true or a non-empty text. A block tag alone on its line takes the
 * whole line with it, so sections can be laid out one per line without leaving blank lines.
 */
export type TemplateValue = string | boolean;
export type TemplateVars = Readonly<Record<string, TemplateValue>>;

type Node = string | { print: string } | { test: string; then: Node[]; otherwise: Node[] };

export interface VariableUse {
  name: string;
  line: number;
  /** Printed with {{name}} (else only tested with #if). */
  printed: boolean;
}

export interface CompiledTemplate {
  uses: VariableUse[];
  render(vars: TemplateVars): string;
}

export class TemplateSyntaxError extends Error {
  constructor(readonly problem: string, readonly line: number) {
    super(`line ${line}: ${problem}`);
  }
}

const TAG = /{{\s*([^{}]*?)\s*}}/g;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const IF = /^#if\s+([A-Za-z][A-Za-z0-9_]*)$/;

const lineAt = (source: string, index: number) => source.slice(0, index).split('\n').length;

export function compileTemplate(source: string): CompiledTemplate {
  const root: Node[] = [];
  const open: { node: { test: string; then: Node[]; otherwise: Node[] }; line: number; inElse: boolean }[] = [];
  const uses: VariableUse[] = [];
  let current = root;
  let pos = 0;

  const pushText = (text: string, at: number) => {
    if (!text) return;
    const stray = text.search(/{{|}}/);
    if (stray >= 0) throw new TemplateSyntaxError(`"${text.slice(stray, stray + 12)}…" is not a complete {{tag}}`, lineAt(source, at + stray));
    current.push(text);
  };

  for (const m of source.matchAll(TAG)) {
    const expr = m[1];
    const at = m.index!;
    const line = lineAt(source, at);
    let textEnd = at;
    let next = at + m[0].length;
    if (IF.test(expr) || expr === 'else' || expr === '/if') {
      const lineStart = source.lastIndexOf('\n', at - 1) + 1;
      const rest = /^[ \t]*(\r?\n|$)/.exec(source.slice(next));
      if (rest && lineStart >= pos && source.slice(lineStart, at).trim() === '') {
        textEnd = lineStart;
        next += rest[0].length;
      }
    }
    pushText(source.slice(pos, textEnd), pos);
    pos = next;

    const cond = IF.exec(expr);
    if (NAME.test(expr) && expr !== 'else') {
      current.push({ print: expr });
      uses.push({ name: expr, line, printed: true });
    } else if (cond) {
      const node = { test: cond[1], then: [] as Node[], otherwise: [] as Node[] };
      current.push(node);
      uses.push({ name: cond[1], line, printed: false });
      open.push({ node, line, inElse: false });
      current = node.then;
    } else if (expr === 'else') {
      const top = open[open.length - 1];
      if (!top || top.inElse) throw new TemplateSyntaxError('{{else}} without an open {{#if}}', line);
      top.inElse = true;
      current = top.node.otherwise;
    } else if (expr === '/if') {
      if (!open.pop()) throw new TemplateSyntaxError('{{/if}} without an open {{#if}}', line);
      const top = open[open.length - 1];
      current = !top ? root : top.inElse ? top.node.otherwise : top.node.then;
    } else {
      throw new TemplateSyntaxError(`unsupported tag {{${expr}}}: use {{name}}, {{#if name}}, {{else}}, {{/if}}`, line);
    }
  }
  pushText(source.slice(pos), pos);
  const unclosed = open.pop();
  if (unclosed) throw new TemplateSyntaxError(`{{#if ${unclosed.node.test}}} is never closed with {{/if}}`, unclosed.line);

  return { uses, render: (vars) => run(root, vars) };
}

function run(nodes: Node[], vars: TemplateVars): string {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') out += node;
    else if ('print' in node) out += vars[node.print] ?? '';
    else out += run(vars[node.test] ? node.then : node.otherwise, vars);
  }
  return out;
}
