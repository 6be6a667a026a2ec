/** Reading foreign SLO documents field by field, so that whatever Ballast cannot honour is refused with its path. */
import type { ErrorDetail } from '@ballast/contract';
import { parseAllDocuments } from 'yaml';
import { ApiError } from '../http/errors.js';

export class Reader {
  readonly issues: ErrorDetail[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  /** An object whose keys are all in `known`; `ignored` keys are accepted and dropped (descriptive only). */
  object(
    v: unknown,
    path: string,
    known: readonly string[],
    ignored: readonly string[] = [],
  ): Record<string, unknown> | undefined {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return this.fail(path, 'must be a mapping');
    for (const k of Object.keys(v))
      if (!known.includes(k) && !ignored.includes(k)) this.fail(join(path, k), 'not supported by Ballast');
    return v as Record<string, unknown>;
  }

  string(v: unknown, path: string, required = true): string | undefined {
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return this.fail(path, 'must be a non-empty string');
    return v;
  }

  number(v: unknown, path: string): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(path, 'must be a number');
    return v;
  }

  stringMap(v: unknown, path: string): Record<string, string> {
    if (v === undefined) return {};
    const o = this.object(v, path, Object.keys((v as object) ?? {}));
    if (!o) return {};
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
      else if (Array.isArray(val) && val.every((x) => typeof x === 'string')) out[k] = val.join(',');
      else this.fail(join(path, k), 'must be a string');
    }
    return out;
  }

  /** Throws the collected refusals, if any. */
  check(what: string): void {
    if (this.issues.length)
      throw new ApiError(
        400,
        'validation_failed',
        `the ${what} document uses what Ballast cannot import; see details`,
        [...this.issues],
      );
  }
}

export const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/** YAML (JSON is YAML) split into its documents; a syntax error is a refusal with the document's line. */
export function parseDocuments(text: string, prefix = 'document'): unknown[] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  list.forEach((d, i) => {
    if (d.errors.length) {
      throw new ApiError(400, 'validation_failed', 'the document is not valid YAML', [
        { path: prefix, message: `document ${i}: ${d.errors[0]!.message.split('\n')[0]}` },
      ]);
    }
    const value = d.toJS();
    if (value !== null && value !== undefined) out.push(value);
  });
  if (out.length === 0)
    throw new ApiError(400, 'validation_failed', 'the document is empty', [{ path: prefix, message: 'empty' }]);
  return out;
}

/** `good` rate over a window for a counter selector, as the rules write it. */
export const isPlainSelector = (q: string) => /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/.test(q.trim());
