import { formatLogLine } from './processes';

describe(formatLogLine.name, () => {
  it('should render a JSON log line as time, level, context, message and fields', () => {
    const line = JSON.stringify({ time: '2025-01-15T10:20:30.000Z', level: 'info', role: 'api', context: 'Main', msg: 'api listening', port: 3000 });
    expect(formatLogLine(line)).toBe('10:20:30 info  Main: api listening port=3000');
  });

  it('should mask phones and emails when a line is not JSON', () => {
    const out = formatLogLine('failed for +79161234567 <ivan.petrov@example.com>');
    expect(out).not.toContain('+79161234567');
    expect(out).not.toContain('ivan.petrov@');
  });

  it('should mask phones inside JSON fields too', () => {
    const out = formatLogLine(JSON.stringify({ level: 'warn', msg: 'bounced', to: 'anna@example.net', phone: '+79161234567' }));
    expect(out).not.toMatch(/anna@|79161234567/);
  });
});
