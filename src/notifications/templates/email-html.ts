const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/;
export const escapeHtml = (s: string) => (SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]) : s);

const URL = /https?:\/\/[^\s<>"']+/g;
// Sentence punctuation right after a link belongs to the sentence, not the link.
const TRAILING = /[.,;:!?)»]+$/;

function linkify(text: string): string {
  let out = '';
  let pos = 0;
  for (const m of text.matchAll(URL)) {
    const url = m[0].replace(TRAILING, '');
    out += escapeHtml(text.slice(pos, m.index)) + `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    pos = m.index! + url.length;
  }
  return out + escapeHtml(text.slice(pos));
}

/** The HTML part of an email, made from its text: escaped, paragraphs kept, links clickable. */
export function textToHtml(text: string, lang: string): string {
  const body = linkify(text).replace(/\n(?:[ \t]*\n)+|\n/g, (m) => (m.length > 1 ? '</p>\n<p>' : '<br>\n'));
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"></head>
<body style="font-family:Arial,sans-serif;font-size:15px;line-height:1.5;color:#222;max-width:36rem">
<p>${body}</p>
</body></html>`;
}
