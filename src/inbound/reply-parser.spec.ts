import { normaliseReply, parseReply, START_WORDS, STATUS_WORDS, STOP_WORDS } from './reply-parser';

describe(parseReply.name, () => {
  const sut = parseReply;

  it.each(STOP_WORDS)('should read "%s" as stop in any case and with spaces around', (word) => {
    expect(sut(word)).toEqual({ kind: 'stop' });
    expect(sut(`  ${word.toUpperCase()}\n`)).toEqual({ kind: 'stop' });
    expect(sut(word[0].toUpperCase() + word.slice(1))).toEqual({ kind: 'stop' });
  });

  it.each(START_WORDS)('should read "%s" as start in any case', (word) => {
    expect(sut(word)).toEqual({ kind: 'start' });
    expect(sut(` ${word.toUpperCase()} `)).toEqual({ kind: 'start' });
  });

  it.each(STATUS_WORDS)('should read "%s" as status in any case', (word) => {
    expect(sut(word)).toEqual({ kind: 'status' });
    expect(sut(`\t${word.toUpperCase()}`)).toEqual({ kind: 'status' });
  });

  it('should cover both languages for each command', () => {
    expect(sut('СТОП')).toEqual({ kind: 'stop' });
    expect(sut('Отписаться')).toEqual({ kind: 'stop' });
    expect(sut('СТАРТ')).toEqual({ kind: 'start' });
    expect(sut('Статус')).toEqual({ kind: 'status' });
    expect(sut('STOP')).toEqual({ kind: 'stop' });
    expect(sut('Start')).toEqual({ kind: 'start' });
    expect(sut('status')).toEqual({ kind: 'status' });
  });

  it('should ignore punctuation around a keyword and extra spaces inside it', () => {
    expect(sut('Stop!')).toEqual({ kind: 'stop' });
    expect(sut('«Стоп».')).toEqual({ kind: 'stop' });
    expect(sut('stop   all')).toEqual({ kind: 'stop' });
    expect(sut('Opt-Out')).toEqual({ kind: 'stop' });
    expect(sut('статус?')).toEqual({ kind: 'status' });
  });

  it('should treat a keyword inside a sentence as free text', () => {
    expect(sut('Please stop sending these at night')).toEqual({ kind: 'text', text: 'Please stop sending these at night' });
    expect(sut('Стоп, а когда починят?')).toEqual({ kind: 'text', text: 'Стоп, а когда починят?' });
    expect(sut('stopp')).toEqual({ kind: 'text', text: 'stopp' });
  });

  it.each([1, 2, 3, 4, 5])('should read the bare digit %d as a rating', (n) => {
    expect(sut(String(n))).toEqual({ kind: 'rating', rating: n });
    expect(sut(` ${n}. `)).toEqual({ kind: 'rating', rating: n });
  });

  it('should read full-width digits as ratings', () => {
    expect(sut('５')).toEqual({ kind: 'rating', rating: 5 });
  });

  it.each(['0', '6', '10', '55', '4/5', '5 звёзд', 'оценка 5', '-3', '3,5', 'five'])('should treat "%s" as free text, not a rating', (text) => {
    expect(sut(text)).toEqual({ kind: 'text', text });
  });

  it('should give empty text for an empty or blank reply', () => {
    expect(sut('')).toEqual({ kind: 'text', text: '' });
    expect(sut('   ')).toEqual({ kind: 'text', text: '' });
  });

  it('should keep free text as written, only trimmed', () => {
    expect(sut('  Спасибо, Анна, всё работает!  ')).toEqual({ kind: 'text', text: 'Спасибо, Анна, всё работает!' });
  });
});

describe(normaliseReply.name, () => {
  it('should fold ё into е and case into lower', () => {
    expect(normaliseReply('ЁЛКА Ёж')).toBe('елка еж');
  });
});
