let seq = 0;
const next = () => ++seq;

export function newArea(over: Record<string, unknown> = {}) {
  const n = next();
  return { code: `A${n}`, name: `Area ${n}`, ...over };
}

export function newElement(over: Record<string, unknown> = {}) {
  const n = next();
  return { code: `NE${n}`, name: `Element ${n}`, kind: 'olt', ...over };
}

export function newSubscriber(over: Record<string, unknown> = {}) {
  const n = next();
  return {
    externalId: `S${n}`,
    name: `Subscriber ${n}`,
    phone: `+7913${String(1000000 + n).slice(-7)}`,
    email: `s${n}@example.ru`,
    ...over,
  };
}
