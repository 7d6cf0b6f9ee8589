import { classifyStatus, statusName } from './smpp-status';

describe(classifyStatus.name, () => {
  it.each([
    [0x00, 'ok'],
    [0x58, 'throttle'],
    [0x14, 'throttle'],
    [0x64, 'transient'],
    [0x08, 'transient'],
    [0x0b, 'permanent'],
    [0x45, 'permanent'],
    [0x65, 'permanent'],
    [0x0401, 'permanent'],
  ])('should classify status 0x%s as %s', (status, expected) => {
    expect(classifyStatus(status)).toBe(expected);
  });
});

describe(statusName.name, () => {
  it('should name spec statuses and show vendor ones in hex', () => {
    expect(statusName(0x58)).toBe('ESME_RTHROTTLED');
    expect(statusName(0x0b)).toBe('ESME_RINVDSTADR');
    expect(statusName(0x0401)).toBe('0x0401');
  });
});
