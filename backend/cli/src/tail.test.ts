import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './tail.js';

describe('reconnectDelay', () => {
  it.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [5, 3200],
    [6, 5000],
    [7, 5000],
    [1000, 5000],
  ])('after %d failures in a row waits %d ms', (failures, ms) => {
    expect(reconnectDelay(failures)).toBe(ms);
  });
});
