/**
 * One-dimensional PostgreSQL arrays in the binary wire format (what `array_recv` reads), for the
 * column arrays of a batch insert. pg sends a Buffer parameter as binary, and a `$n::text[]` /
 * `$n::bigint[]` cast tells PostgreSQL how to read it. The text form of the same array costs a
 * quote-escaping pass in pg and a parsing pass in PostgreSQL over every byte (about 9 ms for the
 * documents of a 500-event batch, all of it inside the chain-head lock); this form is copied as is.
 *
 * Layout: ndim, has-nulls flag, element type oid, then per dimension (size, lower bound 1), then per
 * element its byte length (-1 for NULL) and its bytes; all integers big-endian.
 */

const TEXT_OID = 25;
const INT8_OID = 20;

function header(size: number, length: number, hasNull: boolean, oid: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  buf.writeInt32BE(length === 0 ? 0 : 1, 0);
  buf.writeInt32BE(hasNull ? 1 : 0, 4);
  buf.writeInt32BE(oid, 8);
  if (length > 0) {
    buf.writeInt32BE(length, 12);
    buf.writeInt32BE(1, 16);
  }
  return buf;
}

const headerSize = (length: number) => (length === 0 ? 12 : 20);

/** A `text[]` parameter. */
export function textArray(values: readonly (string | null)[]): Buffer {
  const lengths = new Array<number>(values.length);
  let size = headerSize(values.length);
  let hasNull = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      lengths[i] = -1;
      hasNull = true;
      size += 4;
    } else {
      lengths[i] = Buffer.byteLength(v, 'utf8');
      size += 4 + lengths[i]!;
    }
  }
  const buf = header(size, values.length, hasNull, TEXT_OID);
  let at = headerSize(values.length);
  for (let i = 0; i < values.length; i++) {
    buf.writeInt32BE(lengths[i]!, at);
    at += 4;
    if (lengths[i]! > 0) at += buf.write(values[i]!, at, 'utf8');
  }
  return buf;
}

/** A `bigint[]` parameter; the numbers must be integers (seqs and millisecond times are). */
export function bigintArray(values: readonly (number | null)[]): Buffer {
  let size = headerSize(values.length);
  let hasNull = false;
  for (const v of values) {
    if (v === null || v === undefined) hasNull = true;
    else if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    size += v === null || v === undefined ? 4 : 12;
  }
  const buf = header(size, values.length, hasNull, INT8_OID);
  let at = headerSize(values.length);
  for (const v of values) {
    if (v === null || v === undefined) {
      buf.writeInt32BE(-1, at);
      at += 4;
    } else {
      buf.writeInt32BE(8, at);
      buf.writeBigInt64BE(BigInt(v), at + 4);
      at += 12;
    }
  }
  return buf;
}
