import { compileTemplate, TemplateSyntaxError } from './template-syntax';

describe(compileTemplate.name, () => {
  it('should print variables and keep the text around them as written', () => {
    const sut = compileTemplate('Hello {{ name }}, code {{code}}.\n');
    expect(sut.render({ name: 'Anna', code: 'AB-1' })).toBe('Hello Anna, code AB-1.\n');
    expect(sut.uses).toEqual([{ name: 'name', line: 1, printed: true }, { name: 'code', line: 1, printed: true }]);
  });

  it('should choose sections by flags and non-empty texts, nested', () => {
    const sut = compileTemplate('{{#if a}}A{{#if b}}B{{else}}b{{/if}}{{else}}none{{/if}}');
    expect(sut.render({ a: true, b: 'x' })).toBe('AB');
    expect(sut.render({ a: 'yes', b: '' })).toBe('Ab');
    expect(sut.render({ a: false, b: true })).toBe('none');
    expect(sut.render({ a: '', b: true })).toBe('none');
  });

  it('should drop a block tag that stands alone on its line together with that line', () => {
    const sut = compileTemplate('First\n  {{#if m}}\nplanned\n{{else}}\nbroken\n{{/if}}  \nLast');
    expect(sut.render({ m: true })).toBe('First\nplanned\nLast');
    expect(sut.render({ m: false })).toBe('First\nbroken\nLast');
  });

  it('should keep line breaks around a block tag that shares its line with text', () => {
    expect(compileTemplate('a {{#if m}}b{{/if}}\nc').render({ m: false })).toBe('a \nc');
  });

  it.each([
    ['{{#if a}}open', /line 1: \{\{#if a\}\} is never closed/],
    ['x\n{{/if}}', /line 2: \{\{\/if\}\} without an open/],
    ['x\n\n{{else}}', /line 3: \{\{else\}\} without an open/],
    ['{{#if a}}1{{else}}2{{else}}3{{/if}}', /line 1: \{\{else\}\} without an open/],
    ['ok\n{{#each x}}', /line 2: unsupported tag \{\{#each x\}\}/],
    ['ok\n{{na-me}}', /line 2: unsupported tag/],
    ['Hi {{name', /line 1: "\{\{name…" is not a complete/],
    ['Hi name}}', /line 1: "\}\}…" is not a complete/],
  ])('should refuse %j naming the line', (source, message) => {
    expect(() => compileTemplate(source)).toThrow(TemplateSyntaxError);
    expect(() => compileTemplate(source)).toThrow(message);
  });
});
