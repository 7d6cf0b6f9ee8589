/**
 * Who may call each route, and the ownership rule on top: the one list README's Security table
 * is rendered from and test/integration/access.test.ts walks for every kind of caller. A route
 * the app serves that is missing here, or a line here the app does not serve, fails that test.
 */
export type KeyRole = 'noc' | 'manager';

export interface RouteAccess {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** The line covers every path that starts with `path` too. */
  prefix?: boolean;
  /** Roles allowed besides admin (admin may do everything); 'public' needs no key. */
  roles: KeyRole[] | 'public';
  /** A manager key only on the incidents it manages now; another's is a 403. */
  own?: boolean;
  /** What the README says about the rule, when there is more than the roles. */
  rule?: string;
  /** The request the walk makes, when the path alone would not reach the rule: {incident}, {manager} filled in. */
  sample?: string;
}

const OWN = 'manager: only incidents it manages now (another\'s: 403)';

export const ROUTE_ACCESS: RouteAccess[] = [
  { method: 'GET', path: '/health', roles: 'public' },
  { method: 'GET', path: '/health/ready', roles: 'public' },
  { method: 'GET', path: '/metrics', roles: 'public', rule: 'off with `API_METRICS=false`' },
  {
    method: 'GET', path: '/docs', prefix: true, roles: 'public',
    rule: 'and every path that starts with it (`/docs-json`, `/docs-yaml`, the UI\'s files); off with `API_DOCS=false`',
  },
  { method: 'GET', path: '/v1/public/incidents/:code', roles: 'public', rule: 'no personal data' },
  { method: 'GET', path: '/status/:code', roles: 'public', rule: 'no personal data' },
  { method: 'GET', path: '/status/:code/:lang', roles: 'public', rule: 'the same in ru or en' },
  { method: 'GET', path: '/s/:code', roles: 'public', rule: 'the same page, short: messages link to /s/:code/:lang' },
  { method: 'GET', path: '/s/:code/:lang', roles: 'public', rule: 'the same in ru or en, in the language of the message that links to it' },
  { method: 'GET', path: '/status/assets/:file', roles: 'public' },
  { method: 'GET', path: '/v1/public/unsubscribe', roles: 'public', rule: 'signed token: one subscriber\'s own link' },
  { method: 'POST', path: '/v1/public/unsubscribe', roles: 'public', rule: 'signed token: one subscriber\'s own link' },
  { method: 'GET', path: '/v1/public/unsubscribe/page.css', roles: 'public' },

  { method: 'GET', path: '/v1/me', roles: ['noc', 'manager'], rule: 'the calling key itself' },
  { method: 'POST', path: '/v1/api-keys', roles: [] },
  { method: 'GET', path: '/v1/api-keys', roles: [] },
  { method: 'DELETE', path: '/v1/api-keys/:id', roles: [] },
  { method: 'GET', path: '/v1/audit', roles: [], rule: 'who read customers\' data or changed anything: ids, never the data' },

  { method: 'POST', path: '/v1/areas', roles: [] },
  { method: 'GET', path: '/v1/areas', roles: ['noc'] },
  { method: 'GET', path: '/v1/areas/:code', roles: ['noc'] },
  { method: 'PATCH', path: '/v1/areas/:code', roles: [] },
  { method: 'POST', path: '/v1/network-elements', roles: [] },
  { method: 'GET', path: '/v1/network-elements', roles: ['noc'] },
  { method: 'GET', path: '/v1/network-elements/:code', roles: ['noc'] },
  { method: 'PATCH', path: '/v1/network-elements/:code', roles: [] },
  { method: 'POST', path: '/v1/imports/areas', roles: [] },
  { method: 'POST', path: '/v1/imports/network-elements', roles: [] },
  { method: 'POST', path: '/v1/imports/subscribers', roles: [] },

  { method: 'POST', path: '/v1/subscribers', roles: [] },
  { method: 'GET', path: '/v1/subscribers', roles: ['noc'], rule: 'NOC finds the customer who calls about an incident; managers have their call lists instead' },
  { method: 'GET', path: '/v1/subscribers/:id', roles: ['noc'] },
  { method: 'PATCH', path: '/v1/subscribers/:id', roles: [] },
  { method: 'DELETE', path: '/v1/subscribers/:id', roles: [], rule: 'erases the person everywhere; counts stay' },
  { method: 'GET', path: '/v1/subscribers/:id/messages', roles: ['noc'] },

  { method: 'POST', path: '/v1/outage-managers', roles: [] },
  { method: 'GET', path: '/v1/outage-managers', roles: ['noc', 'manager'], rule: 'staff directory: managers hand incidents over' },
  { method: 'GET', path: '/v1/outage-managers/:id', roles: ['noc', 'manager'] },
  { method: 'PATCH', path: '/v1/outage-managers/:id', roles: ['noc'], rule: 'NOC: `onDuty` only' },

  { method: 'GET', path: '/v1/templates/preview', roles: ['noc'], rule: 'a made-up sample subscriber' },

  { method: 'POST', path: '/v1/incidents/preview', roles: ['noc'], rule: 'counts only' },
  { method: 'POST', path: '/v1/incidents', roles: ['noc'] },
  {
    method: 'GET', path: '/v1/incidents', roles: ['noc', 'manager'], own: true, sample: '/v1/incidents?managerId={manager}',
    rule: 'manager: the list holds only its own incidents; another `managerId` is a 403',
  },
  { method: 'GET', path: '/v1/incidents/:id', roles: ['noc', 'manager'], own: true, rule: `${OWN}; counts, no customer's data` },
  { method: 'GET', path: '/v1/incidents/:id/progress', roles: ['noc', 'manager'], own: true, rule: `${OWN}; counts only` },
  { method: 'POST', path: '/v1/incidents/:id/updates', roles: ['noc'] },
  { method: 'POST', path: '/v1/incidents/:id/resolve', roles: ['noc'] },
  { method: 'POST', path: '/v1/incidents/:id/cancel', roles: ['noc'] },
  { method: 'PUT', path: '/v1/incidents/:id/manager', roles: ['noc'] },
  { method: 'GET', path: '/v1/incidents/:id/messages', roles: ['noc', 'manager'], own: true, rule: OWN },
  { method: 'GET', path: '/v1/incidents/:id/call-list', roles: ['noc', 'manager'], own: true, rule: OWN },
  { method: 'POST', path: '/v1/incidents/:id/calls', roles: ['noc', 'manager'], own: true, rule: OWN },
  {
    method: 'GET', path: '/v1/feedback', roles: ['manager'], own: true, sample: '/v1/feedback?incidentId={incident}',
    rule: 'manager: replies about the incidents it manages now; another\'s `incidentId` is a 403',
  },
];

/** The line of the table that covers a served route. */
export function accessOf(method: string, path: string): RouteAccess | undefined {
  return ROUTE_ACCESS.find((r) => r.method === method && (r.path === path || (r.prefix && path.startsWith(r.path))));
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The README's table, line by line. */
export function accessTable(): string {
  const lines = ['| route | keys | ownership and notes |', '|---|---|---|'];
  for (const r of ROUTE_ACCESS) {
    const keys = r.roles === 'public' ? 'none (public)' : ['admin', ...r.roles].join(', ');
    lines.push(`| \`${r.method} ${r.path}\` | ${keys} | ${cell(r.rule ?? '')} |`);
  }
  return lines.join('\n');
}
