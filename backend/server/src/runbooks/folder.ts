/** Reads runbook folders: every `*.md` below them except READMEs; a bad file is a problem, the rest load. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { RunbookProblem } from '@ballast/contract';
import { folderProblem } from '../folders.js';
import { parseRunbook, type ParsedRunbook } from './parse.js';

export interface FileRunbook extends ParsedRunbook {
  /** Relative to its folder. */
  path: string;
}

export interface FolderRead {
  runbooks: FileRunbook[];
  problems: RunbookProblem[];
}

const isRunbookFile = (name: string) => name.toLowerCase().endsWith('.md') && name.toLowerCase() !== 'readme.md';

/** Every runbook file under `dir`, sorted, with its size and modification time (what a change shows in). */
export function listRunbookFiles(dir: string): { file: string; mtimeMs: number; size: number }[] {
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
      else if (e.isFile() && isRunbookFile(e.name)) {
        try {
          const st = statSync(full);
          out.push({ file: full, mtimeMs: st.mtimeMs, size: st.size });
        } catch {
          /* removed while listing: the next pass sees it gone */
        }
      }
    }
  };
  walk(resolve(dir));
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/**
 * A fingerprint of a set of folders: changes when a runbook file is added, removed or edited, and
 * when a folder goes missing or comes back.
 */
export function foldersSignature(dirs: readonly string[]): string {
  return dirs
    .map(
      (d) =>
        `${d}\0${folderProblem(resolve(d)) ?? ''}\n` +
        listRunbookFiles(d)
          .map((f) => `${f.file}\0${f.mtimeMs}\0${f.size}`)
          .join('\n'),
    )
    .join('\n');
}

const DEFAULT_FOLDER = './runbooks';

/**
 * The folders to follow: those configured, else `./runbooks` where it exists when the server starts (a
 * default that is not there is no folder to follow, not a problem). A configured folder that is missing
 * is followed all the same: reported as a problem, and nothing is deleted until it is back.
 */
export function runbookFolders(configured: readonly string[] | undefined, cwd = process.cwd()): string[] {
  if (configured) return [...configured];
  return folderProblem(resolve(cwd, DEFAULT_FOLDER)) === undefined ? [DEFAULT_FOLDER] : [];
}

export function readRunbookFolders(dirs: readonly string[]): FolderRead {
  const runbooks: FileRunbook[] = [];
  const problems: RunbookProblem[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const root = resolve(dir);
    const unreadable = folderProblem(root);
    if (unreadable) {
      problems.push({ path: dir, field: 'folder', message: unreadable });
      continue;
    }
    for (const { file } of listRunbookFiles(root)) {
      const path = relative(process.cwd(), file) || file;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        problems.push({ path, field: 'file', message: `cannot read: ${(err as Error).message}` });
        continue;
      }
      const outcome = parseRunbook(text, path);
      if (!outcome.ok) {
        problems.push(...outcome.problems);
        continue;
      }
      const id = outcome.runbook.frontmatter.id;
      const first = seen.get(id);
      if (first) {
        problems.push({ path, field: 'id', message: `id "${id}" is already used by ${first}; this file is skipped` });
        continue;
      }
      seen.set(id, path);
      runbooks.push({ ...outcome.runbook, path: relative(root, file) });
    }
  }
  return { runbooks, problems };
}
