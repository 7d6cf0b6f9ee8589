import { routeOrder } from './sms-routing';

const route = (name: string, prefixes: string[] = [], weight = 1) => ({ name, prefixes, weight });
// Consecutive numbers, as a range of subscribers has: they differ only in their last digits.
const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+7913${1_000_000 + i}`);

describe(routeOrder.name, () => {
  it('should put the longest matching prefix first and leave out routes whose prefixes do not match', () => {
    const sut = routeOrder([route('any'), route('ru', ['7']), route('moscow', ['7495', '7499']), route('kz', ['77'])], '+74951234567');
    expect(sut.map((r) => r.name)).toEqual(['moscow', 'ru', 'any']);
  });

  it('should give each route of one prefix its weight share of the destinations when weights differ', () => {
    const routes = [route('a', [], 3), route('b', [], 1)];
    const first = numbers(4000).map((n) => routeOrder(routes, n)[0].name);
    const shareA = first.filter((n) => n === 'a').length / first.length;
    expect(shareA).toBeGreaterThan(0.7);
    expect(shareA).toBeLessThan(0.8);
  });

  it('should split consecutive numbers evenly between routes of equal weight', () => {
    const routes = [route('a'), route('b')];
    const shareA = numbers(1000).filter((n) => routeOrder(routes, n)[0].name === 'a').length / 1000;
    expect(shareA).toBeGreaterThan(0.45);
    expect(shareA).toBeLessThan(0.55);
  });

  it('should keep one destination on one route and list the other as its failover when asked again', () => {
    const routes = [route('a'), route('b')];
    for (const n of numbers(50)) {
      const order = routeOrder(routes, n).map((r) => r.name);
      expect(order).toEqual(routeOrder(routes, n).map((r) => r.name));
      expect([...order].sort()).toEqual(['a', 'b']);
    }
  });

  it('should try a weight-0 route only after the others when it shares their prefix', () => {
    const routes = [route('standby', [], 0), route('main', [], 1)];
    for (const n of numbers(20)) expect(routeOrder(routes, n).map((r) => r.name)).toEqual(['main', 'standby']);
  });
});
