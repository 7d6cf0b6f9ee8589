import { signUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'a-test-secret-that-is-long-enough-0123';

describe(signUnsubscribeToken.name, () => {
  it('should make a URL-safe token that is the same every time for the same subscriber', () => {
    const sut = signUnsubscribeToken(42, SECRET);
    expect(sut).toMatch(/^42\.[A-Za-z0-9_-]{43}$/);
    expect(signUnsubscribeToken(42, SECRET)).toBe(sut);
    expect(encodeURIComponent(sut)).toBe(sut);
  });
});

describe(verifyUnsubscribeToken.name, () => {
  it('should give the subscriber id back when the token is genuine', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken(42, SECRET), SECRET)).toBe(42);
  });

  it('should refuse a token when its id was changed', () => {
    const sig = signUnsubscribeToken(42, SECRET).split('.')[1];
    expect(verifyUnsubscribeToken(`43.${sig}`, SECRET)).toBeUndefined();
  });

  it('should refuse a token when it was signed with another secret', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken(42, 'another-secret-that-is-long-enough-0123'), SECRET)).toBeUndefined();
  });

  it.each([undefined, '', '42', '42.', 'abc.def', `0.${'A'.repeat(43)}`, `42.${'A'.repeat(42)}`, ['42.x'], 42])('should refuse %j', (token) => {
    expect(verifyUnsubscribeToken(token, SECRET)).toBeUndefined();
  });
});

describe(unsubscribeUrl.name, () => {
  it('should point at the public unsubscribe endpoint under the base URL', () => {
    expect(unsubscribeUrl('https://status.example.net', 42, SECRET)).toBe(
      `https://status.example.net/v1/public/unsubscribe?token=${signUnsubscribeToken(42, SECRET)}`,
    );
  });
});
