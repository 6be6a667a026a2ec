import { describe, expect, it } from 'vitest';
import { StabilizeRequest, type Actor, type Profile, type Stabilize } from '@ballast/contract';
import * as machine from './machine.js';
import { policyFor, StabilizeConfig } from './policy.js';
import { effectivePolicy } from './effectivePolicy.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const MIN = 60_000;
const alice: Actor = { type: 'user', id: 'alice', email: 'alice@example.com', verified: true };
const aliceViaBackstage: Actor = { type: 'user', id: 'user:default/alice', email: 'Alice@Example.com', verified: true };
const bob: Actor = { type: 'user', id: 'bob@example.com', verified: false };
const ciKey: Actor = { type: 'key', id: 'key_ci', name: 'ci', verified: true };

const config = StabilizeConfig.parse({
  environments: { production: { requireApproval: true, maxTtlMinutes: 120 }, staging: {} },
});
const prod = policyFor(config, 'production');
const staging = policyFor(config, 'staging');

const profile: Profile = {
  service: 'checkout',
  version: 3,
  queues: [{ name: 'emails', action: 'pause' }],
  flags: ['recommendations'],
  deployFreeze: true,
  shadowMinutes: 5,
  rateClamp: { requestsPerSecond: 200, routes: [], split: 'divide_total' },
  updatedAt: new Date(T0).toISOString(),
  updatedBy: alice,
  managedBy: 'api',
};

const request = (over: Partial<StabilizeRequest> = {}) =>
  StabilizeRequest.parse({ service: 'checkout', environment: 'production', reason: 'error spike', ...over });

function opened(policy = prod, over: Partial<StabilizeRequest> = {}, canBreakGlass = false): Stabilize {
  const out = machine.open({
    id: 'stb_0000000000000001',
    request: request(over),
    actor: alice,
    canBreakGlass,
    policy,
    profile,
    now: T0,
  });
  if (!out.ok) throw new Error(out.refusal.message);
  return out.next;
}
const ok = (o: machine.Outcome | null) => {
  if (!o?.ok) throw new Error(`refused: ${o ? o.refusal.message : 'not due'}`);
  return o;
};
const refusal = (o: machine.Outcome) => (o.ok ? null : o.refusal);

describe('stabilize state machine', () => {
  it('waits for a second person where the policy asks, and is active at once where not', () => {
    const waiting = opened();
    expect(waiting).toMatchObject({ state: 'requested', approvalRequired: true, ttlMinutes: 60 });
    expect(waiting.requestExpiresAt).toBe(new Date(T0 + 30 * MIN).toISOString());
    const direct = opened(staging, { environment: 'staging' });
    expect(direct).toMatchObject({ state: 'active', expiresAt: new Date(T0 + 60 * MIN).toISOString() });
    expect(direct.enforceFrom).toBe(new Date(T0 + 5 * MIN).toISOString()); // the profile's shadow period
  });

  it.each([
    ['the same person', alice, 403, 'self_approval'],
    ['the same person from another UI (normalised email)', aliceViaBackstage, 403, 'self_approval'],
  ])('refuses approval by %s', (_what, approver, status, code) => {
    expect(refusal(machine.approve(opened(), approver, T0 + MIN))).toMatchObject({ status, code });
  });

  it('activates on approval by another person, from approval time', () => {
    const { next, event } = ok(machine.approve(opened(), bob, T0 + 10 * MIN));
    expect(next).toMatchObject({
      state: 'active',
      approvedBy: bob,
      activatedAt: new Date(T0 + 10 * MIN).toISOString(),
    });
    expect(next.expiresAt).toBe(new Date(T0 + 70 * MIN).toISOString());
    expect(next.requestExpiresAt).toBeUndefined();
    expect(event).toMatchObject({ status: 'active', severity: 'high' });
    expect(event.attributes).toMatchObject({ approvedBy: bob, profileVersion: 3, reason: 'error spike' });
  });

  it.each([
    [
      'a TTL over the policy maximum',
      () =>
        machine.open({
          id: 'stb_x',
          request: request({ ttlMinutes: 121 }),
          actor: alice,
          canBreakGlass: false,
          policy: prod,
          profile,
          now: T0,
        }),
      400,
      'ttl_too_long',
      'body.ttlMinutes',
    ],
    [
      'break-glass without the permission',
      () =>
        machine.open({
          id: 'stb_x',
          request: request({ breakGlass: true, incident: 'INC-1' }),
          actor: alice,
          canBreakGlass: false,
          policy: prod,
          profile,
          now: T0,
        }),
      403,
      'forbidden',
      'body.breakGlass',
    ],
    [
      'break-glass without an incident',
      () =>
        machine.open({
          id: 'stb_x',
          request: request({ breakGlass: true }),
          actor: alice,
          canBreakGlass: true,
          policy: prod,
          profile,
          now: T0,
        }),
      400,
      'validation_failed',
      'body.incident',
    ],
    [
      'break-glass longer than its maximum',
      () =>
        machine.open({
          id: 'stb_x',
          request: request({ breakGlass: true, incident: 'INC-1', ttlMinutes: 31 }),
          actor: alice,
          canBreakGlass: true,
          policy: prod,
          profile,
          now: T0,
        }),
      400,
      'ttl_too_long',
      'body.ttlMinutes',
    ],
  ])('refuses %s', (_what, run, status, code, path) => {
    expect(refusal(run())).toMatchObject({ status, code, path });
  });

  it('enters by break-glass at once, with the short TTL, flagged for review by someone else', () => {
    const s = opened(prod, { breakGlass: true, incident: 'https://pd.example.com/incidents/1' }, true);
    expect(s).toMatchObject({ state: 'active', breakGlass: true, reviewRequired: true, ttlMinutes: 30 });
    expect(refusal(machine.approve(s, aliceViaBackstage, T0 + MIN))).toMatchObject({ code: 'self_approval' });
    const { next, event } = ok(machine.approve(s, bob, T0 + MIN));
    expect(next).toMatchObject({ reviewRequired: false, state: 'active' });
    expect(event.status).toBe('reviewed');
  });

  it('needs approval to extend where entering did, never by the one who asked; caps at the maximum', () => {
    const active = ok(machine.approve(opened(), bob, T0)).next; // expires T0 + 60
    expect(refusal(machine.extend(active, alice, 61, 'still burning', prod, T0 + 0))).toMatchObject({
      code: 'ttl_too_long',
      path: 'body.minutes',
    });
    const asked = ok(machine.extend(active, alice, 30, 'still burning', prod, T0 + 40 * MIN)).next;
    expect(asked.pendingExtension).toMatchObject({ minutes: 30, requestedBy: alice });
    expect(asked.expiresAt).toBe(active.expiresAt);
    expect(refusal(machine.extend(asked, bob, 10, 'more', prod, T0 + 41 * MIN))).toMatchObject({
      code: 'invalid_state',
    });
    expect(refusal(machine.approve(asked, alice, T0 + 42 * MIN))).toMatchObject({ code: 'self_approval' });
    const extended = ok(machine.approve(asked, bob, T0 + 42 * MIN)).next;
    expect(extended.expiresAt).toBe(new Date(T0 + 90 * MIN).toISOString());
    expect(extended.pendingExtension).toBeUndefined();
    expect(extended.extensions).toHaveLength(1);
    // Where no approval is needed, extending is immediate.
    const direct = opened(staging, { environment: 'staging' });
    expect(ok(machine.extend(direct, alice, 15, 'more', staging, T0 + MIN)).next.expiresAt).toBe(
      new Date(T0 + 75 * MIN).toISOString(),
    );
  });

  it('rejects a request (it ends) or an extension (it goes on)', () => {
    const rejected = ok(machine.reject(opened(), bob, 'not needed', T0 + MIN)).next;
    expect(rejected).toMatchObject({ state: 'rejected', endedBy: bob, endReason: 'not needed' });
    const active = ok(machine.approve(opened(), bob, T0)).next;
    const asked = ok(machine.extend(active, alice, 10, 'more', prod, T0 + MIN)).next;
    const back = ok(machine.reject(asked, bob, 'enough', T0 + 2 * MIN));
    expect(back.next).toMatchObject({ state: 'active', expiresAt: active.expiresAt });
    expect(back.event.status).toBe('extension_rejected');
    expect(refusal(machine.reject(active, bob, 'x', T0))).toMatchObject({ code: 'invalid_state' });
  });

  it('exits an active stabilize or withdraws a waiting request, and nothing after it ended', () => {
    const active = ok(machine.approve(opened(), bob, T0)).next;
    const ended = ok(machine.exit(active, alice, 'recovered', T0 + 20 * MIN));
    expect(ended.next).toMatchObject({ state: 'ended', endReason: 'recovered', endedBy: alice });
    expect(ended.event.status).toBe('ended');
    expect(ok(machine.exit(opened(), alice, 'never mind', T0)).event.status).toBe('withdrawn');
    for (const op of [
      () => machine.exit(ended.next, alice, 'again', T0),
      () => machine.approve(ended.next, bob, T0),
      () => machine.extend(ended.next, alice, 5, 'more', prod, T0),
    ])
      expect(refusal(op())).toMatchObject({ status: 409, code: 'invalid_state' });
  });

  it('expires at its time, dated when it was due, and not before', () => {
    const active = ok(machine.approve(opened(), bob, T0)).next;
    expect(machine.expire(active, T0 + 60 * MIN - 1)).toBeNull();
    const late = ok(machine.expire(active, T0 + 300 * MIN)); // no server ran for hours
    expect(late.next).toMatchObject({ state: 'expired', endedAt: new Date(T0 + 60 * MIN).toISOString() });
    expect(machine.expire(late.next, T0 + 301 * MIN)).toBeNull(); // once
    const unapproved = ok(machine.expire(opened(), T0 + 30 * MIN));
    expect(unapproved.next.endReason).toBe('not approved in time');
  });

  it('gives services the policy: shadow first, then enforced, normal again at expiry to the ms', () => {
    const active = ok(machine.approve(opened(), bob, T0)).next;
    expect(effectivePolicy('checkout', 'production', active, T0 + MIN)).toMatchObject({
      mode: 'shadow',
      flags: ['recommendations'],
      deployFreeze: true,
    });
    expect(effectivePolicy('checkout', 'production', active, T0 + 5 * MIN).mode).toBe('enforce');
    expect(effectivePolicy('checkout', 'production', active, T0 + 60 * MIN - 1).mode).toBe('enforce');
    expect(effectivePolicy('checkout', 'production', active, T0 + 60 * MIN)).toEqual({
      service: 'checkout',
      environment: 'production',
      mode: 'normal',
      queues: [],
      flags: [],
      deployFreeze: false,
    });
    expect(effectivePolicy('checkout', 'production', opened(), T0).mode).toBe('normal'); // only requested
  });

  it('treats keys and people as themselves, and emails case-insensitively', () => {
    expect(machine.sameActor(alice, aliceViaBackstage)).toBe(true);
    expect(machine.sameActor(alice, bob)).toBe(false);
    expect(machine.sameActor(ciKey, { ...ciKey, name: 'renamed' })).toBe(true);
  });
});
