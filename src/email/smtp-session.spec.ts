import { dataOf } from './smtp-session';

describe(dataOf.name, () => {
  it.each([
    ['should end the message with the final dot when it ends with a line break', 'a\r\nb\r\n', 'a\r\nb\r\n.\r\n'],
    ['should add the line break before the final dot when the last line has none', 'a\r\nb', 'a\r\nb\r\n.\r\n'],
    ['should send an empty message as the final dot alone', '', '.\r\n'],
    ['should double a dot that starts a line', '.a\r\nb\r\n.\r\n..c\r\n', '..a\r\nb\r\n..\r\n...c\r\n.\r\n'],
    ['should leave a dot inside a line as it is', 'a.b\r\n .c\r\n', 'a.b\r\n .c\r\n.\r\n'],
    ['should make a bare LF a CRLF', 'a\nb\n', 'a\r\nb\r\n.\r\n'],
    ['should make a bare CR a CRLF, doubling a dot after it', 'a\r.\rb', 'a\r\n..\r\nb\r\n.\r\n'],
    ['should not let a bare "\\n.\\n" end the data early', 'a\n.\nb\r\n', 'a\r\n..\r\nb\r\n.\r\n'],
  ])('%s', (_name, message, data) => {
    expect(dataOf(message)).toBe(data);
  });

  it('should keep the octets of a Buffer message, non-ASCII ones included', () => {
    const message = Buffer.from('Subject: Ünïcödé\n.line\r\n', 'utf8');
    const data = dataOf(message);
    expect(Buffer.isBuffer(data)).toBe(true);
    expect((data as Buffer).toString('utf8')).toBe('Subject: Ünïcödé\r\n..line\r\n.\r\n');
  });
});
