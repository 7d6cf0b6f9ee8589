import { acceptedOutcome, failureOutcome, queueIdFrom, relayUnreachable } from './smtp-outcome';

const smtpError = (responseCode: number | undefined, response: string | undefined, code = 'EENVELOPE') =>
  Object.assign(new Error(response ?? 'failed'), { responseCode, response, code });

describe(queueIdFrom.name, () => {
  it.each([
    ['250 2.0.0 Ok: queued as 4C1D32A0B5E', '4C1D32A0B5E'],
    ['250 OK id=1qXyZ2-000abc-1A', '1qXyZ2-000abc-1A'],
    ['250 2.0.0 OK  1700000000 a1-20020a05 - gsmtp', 'OK  1700000000 a1-20020a05 - gsmtp'],
    ['250 Accepted', 'Accepted'],
    [undefined, 'accepted'],
  ])('should take the relay id from "%s"', (response, expected) => {
    expect(queueIdFrom(response)).toBe(expected);
  });
});

describe(acceptedOutcome.name, () => {
  it('should report one part with the queue id when the relay took the message', () => {
    expect(acceptedOutcome('m1', '250 Ok: queued as ABC')).toEqual({ messageId: 'm1', status: 'accepted', providerIds: ['ABC'], parts: 1 });
  });
});

describe(failureOutcome.name, () => {
  it.each([
    [smtpError(550, '550 5.1.1 Mailbox unavailable'), 'failed'],
    [smtpError(554, '554 Transaction failed', 'EMESSAGE'), 'failed'],
    [smtpError(451, '451 4.7.1 Greylisted'), 'retry'],
    [smtpError(421, '421 Service not available', 'ECONNECTION'), 'retry'],
    [smtpError(503, '503 Bad sequence of commands', 'EPROTOCOL'), 'retry'],
    [smtpError(535, '535 Authentication failed', 'EAUTH'), 'retry'],
    [smtpError(undefined, undefined, 'ETIMEDOUT'), 'retry'],
    [smtpError(undefined, undefined, 'ESOCKET'), 'retry'],
    [new Error('Connection pool was closed'), 'retry'],
  ])('should classify %s as %s', (err, status) => {
    expect(failureOutcome('m1', err).status).toBe(status);
  });

  it('should keep the reply as the reason with the address masked when the relay quotes it', () => {
    const sut = failureOutcome('m1', smtpError(550, '550 5.1.1 <ivan.petrov@example.com>: Recipient address rejected'));
    expect(sut).toEqual({ messageId: 'm1', status: 'failed', error: '550 5.1.1 <i***@example.com>: Recipient address rejected' });
  });

  it('should give the error code and message as the reason when there was no reply', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1025'), { code: 'ESOCKET' });
    expect(failureOutcome('m1', err)).toEqual({ messageId: 'm1', status: 'retry', error: 'ESOCKET: connect ECONNREFUSED 127.0.0.1:1025' });
  });
});

describe(relayUnreachable.name, () => {
  it.each([
    ['a refused connection', { code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' }],
    ['a connection closed before the greeting', { code: 'ECONNECTION', message: 'Connection closed unexpectedly' }],
    ['a connect or greeting timeout', { code: 'ETIMEDOUT', message: 'Greeting never received' }],
    ['a host name that does not resolve', { code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.example.net' }],
  ])('should say the relay is unreachable for %s', (_case, err) => {
    expect(relayUnreachable(Object.assign(new Error(err.message), err))).toBe(true);
  });

  it.each([
    ['a 4xx reply', { code: 'EENVELOPE', responseCode: 451, response: '451 try later' }],
    ['a 5xx reply', { code: 'EENVELOPE', responseCode: 550, response: '550 no such user' }],
    ['a failed login', { code: 'EAUTH', responseCode: 535, response: '535 bad credentials' }],
    ['a connection cut after a reply', { code: 'ECONNECTION', responseCode: 421, response: '421 closing' }],
    ['an error without a code', {}],
  ])('should not say so for %s, which is a reply about this message or session', (_case, err) => {
    expect(relayUnreachable(Object.assign(new Error('x'), err))).toBe(false);
  });
});
