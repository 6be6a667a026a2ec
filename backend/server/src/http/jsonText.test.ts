import { describe, expect, it } from 'vitest';
import { JsonText } from './jsonText.js';

describe('JsonText', () => {
  // Items with characters of 1, 2, 3 and 4 bytes in UTF-8, long enough to need many chunks.
  const items = Array.from({ length: 400 }, (_, i) => JSON.stringify({ i, title: `é 漢字 🚀 ${'x'.repeat(i % 97)}` }));
  const expected = `{"list":[${items.join(',')}],"n":400}`;

  it('gathers pieces into chunks of bounded size that join to the same text', () => {
    const t = JsonText.join<{ list: unknown[]; n: number }>('{"list":[', items, ',', '],"n":400}');
    expect(t.chunks.length).toBeGreaterThan(1);
    const longestItem = Math.max(...items.map((s) => s.length));
    for (const c of t.chunks) expect(c.length).toBeLessThan(16 * 1024 + longestItem + 2);
    expect(t.text).toBe(expected);
    expect(t.parse().list).toHaveLength(400);
  });

  it('counts its UTF-8 bytes and encodes its body as the text would be', () => {
    const t = JsonText.join('{"list":[', items, ',', '],"n":400}');
    expect(t.byteLength()).toBe(Buffer.byteLength(expected));
    const body = t.body();
    expect(Buffer.isBuffer(body)).toBe(true);
    expect((body as Buffer).equals(Buffer.from(expected))).toBe(true);
  });

  it('sends a single chunk as it is', () => {
    const t = JsonText.join('[', ['1', '2'], ',', ']');
    expect(t.chunks).toEqual(['[1,2]']);
    expect(t.body()).toBe('[1,2]');
    expect(new JsonText('{"a":1}').body()).toBe('{"a":1}');
  });

  it('writes an empty text as one empty chunk', () => {
    expect(JsonText.join('', [], '', '').chunks).toEqual(['']);
    expect(JsonText.join('[', [], ',', ']').text).toBe('[]');
  });
});
