/**
 * SLOs as code: every `*.yaml`, `*.yml` and `*.json` file in a directory holds native specs (one per
 * document, or `{slos: [...]}`), OpenSLO v1 or Sloth prometheus/v1 documents. They are read into specs
 * here; the service reconciles them into the store as `managedBy: file`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SloSpec, type ParsedSloSpec, type Slo } from '@ballast/contract';
import { ApiError } from '../http/errors.js';
import { parseDocuments } from './importReader.js';
import { fromOpenSlo } from './openslo.js';
import { fromSloth } from './sloth.js';
import { defaultSloId } from './sloId.js';

export interface FileSpec {
  file: string;
  spec: ParsedSloSpec & { id: string };
  origin: Slo['origin'];
}

export interface FileRead {
  specs: FileSpec[];
  /** Files that could not be used, each with why; while any exist, nothing is deleted. */
  problems: { file: string; message: string }[];
}

function specsOf(docs: unknown[]): { specs: unknown[]; origin: Slo['origin'] } {
  const first = docs[0] as Record<string, unknown> | undefined;
  if (typeof first?.apiVersion === 'string' && first.apiVersion.startsWith('openslo/'))
    return { specs: fromOpenSlo(docs), origin: 'openslo' };
  if (first?.version === 'prometheus/v1') return { specs: fromSloth(docs), origin: 'sloth' };
  return {
    specs: docs.flatMap((d) => (Array.isArray((d as { slos?: unknown }).slos) ? (d as { slos: unknown[] }).slos : [d])),
    origin: 'native',
  };
}

const describe = (err: unknown) =>
  err instanceof ApiError
    ? `${err.message}: ${err.details.map((d) => `${d.path}: ${d.message}`).join('; ')}`
    : (err as Error).message;

export function readSloFiles(dir: string): FileRead {
  const out: FileRead = { specs: [], problems: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n));
  } catch (err) {
    return { specs: [], problems: [{ file: dir, message: (err as Error).message }] };
  }
  const seen = new Map<string, string>();
  for (const name of names.sort()) {
    const file = join(dir, name);
    try {
      const { specs, origin } = specsOf(parseDocuments(readFileSync(file, 'utf8')));
      const parsed = specs.map((s, i) => {
        const r = SloSpec.safeParse(s);
        if (!r.success)
          throw new Error(`SLO ${i}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
        return { ...r.data, id: r.data.id ?? defaultSloId(r.data.service, r.data.name) };
      });
      for (const spec of parsed) {
        const other = seen.get(spec.id);
        if (other) throw new Error(`SLO ${spec.id} is also defined in ${other}`);
        seen.set(spec.id, name);
      }
      out.specs.push(...parsed.map((spec) => ({ file: name, spec, origin })));
    } catch (err) {
      out.problems.push({ file: name, message: describe(err) });
    }
  }
  return out;
}
