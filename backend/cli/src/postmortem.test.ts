import { describe, expect, it } from 'vitest';
import type { Event } from '@ballast/contract';
import { mdText, oldestFirst, postmortemCsv, postmortemMarkdown } from './postmortem.js';

const event = (over: Partial<Event>): Event => ({
  id: 'evt_1',
  tenant: 'default',
  seq: 1,
  occurredAt: '2026-03-02T13:00:00.000Z',
  receivedAt: '2026-03-02T13:00:01.000Z',
  source: 'api',
  kind: 'alert',
  severity: 'high',
  sourceRefs: {},
  title: 'Latency above 2s',
  links: [],
  actor: { type: 'key', id: 'key_1', verified: true },
  tags: {},
  attributes: {},
  personalAttributes: [],
  correlation: {},
  hash: 'h',
  prevHash: 'p',
  ...over,
});

describe('mdText', () => {
  it.each([
    ['plain words', 'plain words'],
    ['a | b', 'a \\| b'],
    ['two\n  lines', 'two lines'],
    ['*bold* _em_ `code` [x] <b>', '\\*bold\\* \\_em\\_ \\`code\\` \\[x\\] \\<b\\>'],
    ['C:\\temp', 'C:\\\\temp'],
  ])('%j is written %j', (text, md) => {
    expect(mdText(text)).toBe(md);
  });
});

describe('oldestFirst', () => {
  it('orders by time, then by seq at the same instant', () => {
    const events = [
      event({ seq: 3, occurredAt: '2026-03-02T13:00:00.000Z' }),
      event({ seq: 2, occurredAt: '2026-03-02T13:00:00.000Z' }),
      event({ seq: 1, occurredAt: '2026-03-02T13:05:00.000Z' }),
    ];
    expect(events.sort(oldestFirst).map((e) => e.seq)).toEqual([2, 3, 1]);
  });
});

describe('one event with no changes before it', () => {
  const start = event({ links: [{ rel: 'runbook', url: 'https://wiki.example.com/run book (v2)' }] });
  const p = {
    // A copy, as when the incident search and the context answer each bring the event.
    timeline: [{ ...start }],
    context: { event: start, from: '2026-03-02T12:30:00.000Z', to: start.occurredAt, changes: [] },
  };

  it('says so in markdown, with no incident lines', () => {
    expect(postmortemMarkdown(p)).toBe(
      [
        '# Latency above 2s',
        '',
        '- Started: 2026-03-02T13:00:00.000Z: Latency above 2s',
        '',
        '## Timeline',
        '',
        '| Time | Status | Title | Links |',
        '| --- | --- | --- | --- |',
        '| 2026-03-02T13:00:00.000Z |  | Latency above 2s | [runbook](https://wiki.example.com/run%20book%20%28v2%29) |',
        '',
        '## Changes before the event',
        '',
        'Deploys, flag and config changes from 2026-03-02T12:30:00.000Z to 2026-03-02T13:00:00.000Z (30m before the start).',
        '',
        'None were recorded.',
        '',
      ].join('\n'),
    );
  });

  it('writes its row in the event section of the CSV', () => {
    expect(postmortemCsv(p).split('\r\n')[1]).toBe(
      'event,,,2026-03-02T13:00:00.000Z,,api,alert,,high,,,Latency above 2s,runbook=https://wiki.example.com/run book (v2),evt_1,1',
    );
  });
});
