import type { Stabilize } from '@ballast/contract';
import { refusalTitle, scopeView } from './scopeView';

const now = Date.parse('2026-11-23T10:00:00Z');
const iso = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
const base = {
  id: 'stb_0123456789abcdef',
  service: 'checkout',
  environment: 'production',
  reason: 'errors',
  breakGlass: false,
  reviewRequired: false,
  approvalRequired: true,
  ttlMinutes: 60,
  requestedBy: { type: 'user', id: 'a@x', verified: false },
  requestedAt: iso(-5),
  extensions: [],
  profile: null,
  updatedAt: iso(-1),
} as unknown as Stabilize;
const st = (over: Partial<Stabilize>) => ({ ...base, ...over }) as Stabilize;

describe('scopeView', () => {
  it.each([
    ['nothing', null, 'Running normally', ['enter'], undefined],
    [
      'requested',
      st({ state: 'requested', requestExpiresAt: iso(25) }),
      'Waiting for approval',
      ['approve', 'reject', 'exit'],
      'request expires in',
    ],
    ['active', st({ state: 'active', expiresAt: iso(40) }), 'Stabilized', ['extend', 'exit'], 'ends in'],
    [
      'shadow',
      st({ state: 'active', enforceFrom: iso(3), expiresAt: iso(40) }),
      'Stabilized (observing: shadow period)',
      ['extend', 'exit'],
      'enforcing in',
    ],
    [
      'extension waiting',
      st({
        state: 'active',
        expiresAt: iso(40),
        pendingExtension: { minutes: 30, reason: 'more', requestedBy: base.requestedBy, requestedAt: iso(-1) },
      }),
      'Stabilized · extension of 30 min waits for approval',
      ['approve', 'reject', 'exit'],
      'ends in',
    ],
    ['exiting', st({ state: 'exiting' }), 'Exiting: waiting for actuators to revert', [], undefined],
    ['ended', st({ state: 'ended' }), 'Running normally (last: ended)', ['enter'], undefined],
  ])('%s', (_name, stabilize, headline, actions, countdown) => {
    const v = scopeView(stabilize as Stabilize | null, undefined, now);
    expect(v.headline).toBe(headline);
    expect(v.actions).toEqual(actions);
    expect(v.countdown?.label).toBe(countdown);
  });

  it('counts down to the deadline of the state', () => {
    expect(scopeView(st({ state: 'active', expiresAt: iso(40) }), undefined, now).countdown?.until).toBe(
      now + 40 * 60_000,
    );
  });

  it('names the refusals a person meets', () => {
    expect(refusalTitle('self_approval')).toMatch(/another person must approve/);
    expect(refusalTitle('forbidden')).toMatch(/not permitted/);
    expect(refusalTitle('something_new')).toBe('Ballast refused');
  });
});
