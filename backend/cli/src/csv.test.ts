import { describe, expect, it } from 'vitest';
import { csv, csvField } from './csv.js';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ["it's; fine", "it's; fine"],
  ])('%j is written %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('csv', () => {
  it('joins fields with commas and ends every record with CRLF', () => {
    expect(
      csv([
        ['a', 'b'],
        ['1, 2', ''],
      ]),
    ).toBe('a,b\r\n"1, 2",\r\n');
  });
});
