/** Opaque search cursors: the snapshot bound plus the last row's sort key, base64url JSON. */
export interface Cursor {
  /** Only events with seq ≤ snapshot belong to this search. */
  snapshot: number;
  occurredAt: number;
  seq: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([1, c.snapshot, c.occurredAt, c.seq])).toString('base64url');
}

export function decodeCursor(s: string): Cursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 4 || v[0] !== 1) return null;
    const [, snapshot, occurredAt, seq] = v as unknown[];
    if (![snapshot, occurredAt, seq].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return null;
    return { snapshot: snapshot as number, occurredAt: occurredAt as number, seq: seq as number };
  } catch {
    return null;
  }
}
