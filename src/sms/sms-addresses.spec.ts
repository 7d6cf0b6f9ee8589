import { destinationAddress, relativeValidity, sourceAddress } from './sms-addresses';

describe(sourceAddress.name, () => {
  it('should use TON 5 / NPI 0 when the sender has letters', () => {
    expect(sourceAddress('Outages')).toEqual({ ton: 5, npi: 0, addr: 'Outages' });
  });

  it('should use TON 1 / NPI 1 without "+" when the sender is a number', () => {
    expect(sourceAddress('+79001234567')).toEqual({ ton: 1, npi: 1, addr: '79001234567' });
  });

  it('should refuse an alphanumeric sender longer than 11 characters', () => {
    expect(() => sourceAddress('OutageNotifier')).toThrow(/1–11/);
  });
});

describe(destinationAddress.name, () => {
  it('should strip "+" and use TON 1 / NPI 1 when given E.164', () => {
    expect(destinationAddress('+79131234567')).toEqual({ ton: 1, npi: 1, addr: '79131234567' });
  });

  it.each(['89131234567', '+0123456789', '+7913', 'abc'])('should refuse %s', (to) => {
    expect(destinationAddress(to)).toBeUndefined();
  });
});

describe(relativeValidity.name, () => {
  it('should write SMPP relative time', () => {
    expect(relativeValidity(360)).toBe('000000060000000R');
    expect(relativeValidity(2 * 1440 + 90)).toBe('000002013000000R');
  });
});
