/**
 * Catalog entries as code: YAML files (`*.yaml`, `*.yml`) in a folder, each holding one or more
 * documents `{ name, owner, tier, … }`. A bad document is reported with its path and field; the rest load.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { ServiceName, ServiceSpec, type RunbookProblem } from '@ballast/contract';
import { folderProblem } from '../folders.js';

export const CatalogFileEntry = ServiceSpec.extend({ name: ServiceName });
export type CatalogFileEntry = z.output<typeof CatalogFileEntry>;

export interface CatalogFolderRead {
  entries: (CatalogFileEntry & { path: string })[];
  problems: RunbookProblem[];
}

function yamlFiles(dir: string): { file: string; mtimeMs: number; size: number }[] {
  const out: { file: string; mtimeMs: number; size: number }[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
        try {
          const st = statSync(full);
          out.push({ file: full, mtimeMs: st.mtimeMs, size: st.size });
        } catch {
          /* removed while listing */
        }
      }
    }
  };
  walk(resolve(dir));
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Changes when a catalog file is added, removed or edited, and when the folder goes missing or comes back. */
export const catalogFolderSignature = (dir: string): string =>
  `${folderProblem(resolve(dir)) ?? ''}\n` +
  yamlFiles(dir)
    .map((f) => `${f.file}\0${f.mtimeMs}\0${f.size}`)
    .join('\n');

export function readCatalogFolder(dir: string): CatalogFolderRead {
  const entries: CatalogFolderRead['entries'] = [];
  const problems: RunbookProblem[] = [];
  const seen = new Map<string, string>();
  const unreadable = folderProblem(resolve(dir));
  if (unreadable) problems.push({ path: dir, field: 'folder', message: unreadable });
  for (const { file } of yamlFiles(dir)) {
    const path = relative(process.cwd(), file) || file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push({ path, field: 'file', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) continue;
    docs.forEach((doc, i) => {
      const at = docs.length > 1 ? `${i}.` : '';
      if (doc.errors.length > 0) {
        problems.push({
          path,
          field: at + 'document',
          message: `not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`,
        });
        return;
      }
      const data: unknown = doc.toJS();
      if (data === null || data === undefined) return;
      const parsed = CatalogFileEntry.safeParse(data);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          problems.push({ path, field: at + (issue.path.map(String).join('.') || 'document'), message: issue.message });
        return;
      }
      const first = seen.get(parsed.data.name);
      if (first) {
        problems.push({
          path,
          field: at + 'name',
          message: `service "${parsed.data.name}" is already defined in ${first}; this one is skipped`,
        });
        return;
      }
      seen.set(parsed.data.name, path);
      entries.push({ ...parsed.data, path });
    });
  }
  return { entries, problems };
}
