import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '@ballast/contract';
import { verifyLine } from './audit.js';

const result = (over: Partial<VerifyResult>): VerifyResult => ({
  ok: true,
  tenant: 'default',
  anchor: { seq: 0, hash: '0'.repeat(64) },
  checked: 0,
  headSeq: 0,
  firstBadSeq: null,
  reason: null,
  ...over,
});

describe('verifyLine', () => {
  it.each([
    [{ checked: 12, headSeq: 12 }, 'chain ok: 12 events checked from seq 1 to 12'],
    [{ checked: 1, headSeq: 1 }, 'chain ok: 1 event checked from seq 1 to 1'],
    [{ anchor: { seq: 100, hash: 'h' }, checked: 5, headSeq: 105 }, 'chain ok: 5 events checked from seq 101 to 105'],
    [{}, 'chain ok: 0 events checked (none stored after seq 0)'],
    [
      { checked: 12, headSeq: 12, rangeRows: 3 },
      'chain ok: 12 events checked from seq 1 to 12; 3 annotation range rows match them',
    ],
    [
      {
        ok: false,
        checked: 12,
        headSeq: 12,
        rangeRows: 3,
        firstBadSeq: 4,
        reason: 'the annotation range row of seq 4 (alert::fp) is stored but is not what the events make (edited)',
      },
      'chain ok (12 events), annotation ranges BROKEN at seq 4: the annotation range row of seq 4 (alert::fp) is stored but is not what the events make (edited)',
    ],
    [
      { ok: false, checked: 4, headSeq: 9, firstBadSeq: 5, reason: 'the hash does not match the event (edited)' },
      'chain BROKEN at seq 5: the hash does not match the event (edited) (4 events checked before it)',
    ],
    [
      { ok: false, checked: 0, headSeq: 9, firstBadSeq: 1, reason: 'seq 1 is missing (next stored is 2)' },
      'chain BROKEN at seq 1: seq 1 is missing (next stored is 2) (0 events checked before it)',
    ],
  ])('%j reads %j', (over, line) => {
    expect(verifyLine(result(over))).toBe(line);
  });
});
