import { describe, expect, it } from 'vitest';
import type { SloStatus, Stabilize } from '@ballast/contract';
import { suggest } from './suggest.js';

const figure = (value: number | null) => ({ value, formula: '', inputs: {} });
function status(id: string, opts: { firing?: string[]; burn30m?: number | null }): SloStatus {
  return {
    slo: { id, service: 'checkout', name: id, objective: 0.999 },
    at: '2026-11-22T10:00:00Z',
    period: { from: '', to: '', lengthSeconds: 2_592_000, description: '30d' },
    errorBudget: figure(0.001),
    windows: [
      {
        window: '30m',
        from: '',
        to: '',
        good: 1,
        total: 1,
        errorRatio: figure(0),
        burnRate: figure(opts.burn30m ?? null),
        source: 'pushed',
      },
    ],
    budgetRemaining: figure(0.5),
    timeToExhaustion: figure(null),
    tiers: (['page_fast', 'page_slow', 'ticket_fast', 'ticket_slow'] as const).map((name) => ({
      name,
      enabled: true,
      severity: name.startsWith('page') ? 'critical' : 'warning',
      longWindow: '1h',
      shortWindow: '5m',
      factor: figure(14.4),
      threshold: figure(0.0144),
      firing: (opts.firing ?? []).includes(name),
      guarded: false,
      reason: '',
    })),
    exhausted: false,
  };
}
const active = { state: 'active' } as Stabilize;
const requested = { state: 'requested' } as Stabilize;

describe('stabilize suggestions', () => {
  it.each([
    ['a page tier fires and nothing is stabilized', null, [status('a', { firing: ['page_slow'] })], 'enter'],
    ['only a ticket tier fires', null, [status('a', { firing: ['ticket_fast'] })], null],
    ['a request already waits', requested, [status('a', { firing: ['page_fast'] })], null],
    [
      'active, every SLO below 1× over 30 m',
      active,
      [status('a', { burn30m: 0.2 }), status('b', { burn30m: 0.99 })],
      'exit',
    ],
    ['active, one SLO at 1×', active, [status('a', { burn30m: 0.2 }), status('b', { burn30m: 1 })], null],
    ['active, one SLO without data', active, [status('a', { burn30m: 0.2 }), status('b', { burn30m: null })], null],
    ['active, no SLOs at all', active, [], null],
  ])('%s → %s', (_what, open, statuses, action) => {
    expect(suggest(open, statuses)?.action ?? null).toBe(action);
  });
});
