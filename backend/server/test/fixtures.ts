import type { EventInput } from '@ballast/contract';

/** A valid event with sensible defaults; override what a test cares about. */
export function anEvent(overrides: Partial<EventInput> = {}): EventInput {
  return {
    occurredAt: '2026-11-20T12:00:00.000Z',
    kind: 'deploy',
    title: 'Deploy checkout 1.4.2',
    service: 'checkout',
    environment: 'production',
    ...overrides,
  };
}

/** `n` events a minute apart, newest last. */
export function eventsAt(
  n: number,
  start = Date.parse('2026-11-20T00:00:00Z'),
  over: (i: number) => Partial<EventInput> = () => ({}),
): EventInput[] {
  return Array.from({ length: n }, (_, i) =>
    anEvent({ occurredAt: new Date(start + i * 60_000).toISOString(), title: `event ${i}`, ...over(i) }),
  );
}
