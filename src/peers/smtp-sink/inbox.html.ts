import type { SinkMessage, SinkStats } from './smtp-sink';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Shown as sent; From, To and Subject are shown decoded instead.
const SHOWN_HEADERS = ['date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post', 'content-type'];

function page(title: string, body: string, refreshSeconds?: number): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}<title>${esc(title)}</title><style>
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{background:#f3f4f6}a{color:#1d4ed8;text-decoration:none}.muted{color:#6b7280}
pre{white-space:pre-wrap;background:#f9fafb;border:1px solid #e5e7eb;padding:.8rem}
iframe{width:100%;height:32rem;border:1px solid #e5e7eb}
.mode{display:inline-block;padding:.1rem .5rem;border-radius:1rem;background:#bbf7d0}.mode.tempfail,.mode.reject,.mode.down{background:#fecaca}
</style></head><body>${body}</body></html>`;
}

export function renderInbox(messages: SinkMessage[], stats: SinkStats): string {
  const state = stats.up ? stats.mode : 'down';
  const rows = messages
    .map(
      (m) =>
        `<tr><td class="muted">${esc(m.receivedAt.replace('T', ' ').slice(0, 19))}</td><td>${esc(m.to)}</td><td>${esc(m.from)}</td>` +
        `<td><a href="/view/${m.id}">${esc(m.subject || '(no subject)')}</a></td><td class="muted">${m.html ? 'text + html' : 'text'}</td></tr>`,
    )
    .join('');
  return page(
    `SMTP inbox (${stats.kept})`,
    `<h1>SMTP inbox</h1>
<p>SMTP <span class="mode ${state}">${state}</span> · ${stats.received} received, ${stats.refused} refused, ${stats.kept} kept · refreshes every 5 s ·
<a href="/messages">JSON</a></p>
${messages.length ? `<table><tr><th>received (UTC)</th><th>to</th><th>from</th><th>subject</th><th>parts</th></tr>${rows}</table>` : '<p class="muted">No mail yet.</p>'}`,
    5,
  );
}

export function renderMessage(m: SinkMessage | undefined): string {
  if (!m) return page('Not found', '<p><a href="/">← inbox</a></p><p>No such message (or no longer kept).</p>');
  const row = (name: string, value: string) => `<tr><th>${esc(name)}</th><td>${esc(value)}</td></tr>`;
  const shown = [
    row('from', m.from),
    row('to', m.to),
    row('subject', m.subject),
    ...SHOWN_HEADERS.filter((h) => h in m.headers).map((h) => row(h, m.headers[h])),
  ].join('');
  const all = Object.entries(m.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return page(
    m.subject || '(no subject)',
    `<p><a href="/">← inbox</a> · <a href="/messages/${m.id}">JSON</a> · <a href="/messages/${m.id}/source">source</a></p>
<h1>${esc(m.subject || '(no subject)')}</h1>
<table>${shown}<tr><th>envelope</th><td>${esc(m.envelope.from)} → ${esc(m.envelope.to.join(', '))}</td></tr><tr><th>queue id</th><td>${esc(m.queueId)}</td></tr></table>
${m.html ? `<h2>HTML part</h2><iframe sandbox srcdoc="${esc(m.html)}"></iframe>` : ''}
<h2>Text part</h2>${m.text ? `<pre>${esc(m.text)}</pre>` : '<p class="muted">none</p>'}
<details><summary>All headers</summary><pre>${esc(all)}</pre></details>`,
  );
}
