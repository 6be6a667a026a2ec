import { describe, expect, it } from 'vitest';
import { peopleFromOnCalls } from './pagerduty.js';
import { OnCallUnavailable } from './provider.js';

describe('peopleFromOnCalls', () => {
  it('reads users by name (or summary), lowest escalation level first, each person once', () => {
    const people = peopleFromOnCalls({
      oncalls: [
        { escalation_level: 2, user: { summary: 'Only Summary', html_url: 'https://x.pagerduty.com/users/P2' } },
        { escalation_level: 1, end: '2026-11-23T09:00:00Z', user: { name: 'Grace', email: 'grace@example.com' } },
        { escalation_level: 3, user: { name: 'Grace', email: 'grace@example.com' } },
        { escalation_level: 1, user: null },
        { escalation_level: 1 },
      ],
      more: false,
    });
    expect(people).toEqual([
      { name: 'Grace', email: 'grace@example.com', level: 1, until: '2026-11-23T09:00:00Z' },
      { name: 'Only Summary', level: 2, url: 'https://x.pagerduty.com/users/P2' },
    ]);
  });

  it('refuses an answer without an oncalls list', () => {
    expect(() => peopleFromOnCalls({ error: { message: 'nope' } })).toThrow(OnCallUnavailable);
    expect(() => peopleFromOnCalls(null)).toThrow('without an oncalls list');
  });
});
