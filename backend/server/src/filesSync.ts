/**
 * `ballast sync`: the SLO, runbook, catalog and stabilize profile folders reconciled into the store once,
 * by the same code a running server uses on its own ticks, or only read and checked (`check`), with no
 * store, for a pull request. The server keeps reconciling the same folders while it runs; this is for CI
 * and for stores whose servers read no folders.
 */
import type { Config } from './config/config.js';
import { readCatalogFolder } from './catalog/files.js';
import { migrate, openDatabase } from './db/knex.js';
import { buildApp, createLogger } from './http/app.js';
import { readRunbookFolders, runbookFolders } from './runbooks/folder.js';
import { readSloFiles } from './slo/files.js';
import { readProfileFolder } from './stabilize/profileFiles.js';

export type FilesKind = 'slos' | 'runbooks' | 'catalog' | 'profiles';

export interface FilesProblem {
  file: string;
  message: string;
}

export interface FilesPart {
  kind: FilesKind;
  /** The folders read; none when the configuration names none. */
  dirs: string[];
  /** What was found in the files. */
  read: number;
  /** After a sync: what the store gained, changed or lost (SLOs and runbooks say; others only that they ran). */
  created?: string[];
  updated?: string[];
  deleted?: string[];
  changed?: number;
  problems: FilesProblem[];
}

export interface FilesReport {
  parts: FilesPart[];
  /** A first admin key made because the store was empty (shown once). */
  bootstrapSecret?: string;
}

const folderOf = (dir: string | undefined) => (dir ? [dir] : []);
/** A folder reader's problem (file, field, message) as one line per file. */
const asProblem = (p: { path: string; field: string; message: string }): FilesProblem => ({
  file: p.path,
  message: `${p.field}: ${p.message}`,
});

/** Reads every configured folder the way the server does, without a store. */
export function checkFiles(config: Config): FilesReport {
  const parts: FilesPart[] = [];
  const slo = config.sloDir ? readSloFiles(config.sloDir) : undefined;
  parts.push({
    kind: 'slos',
    dirs: folderOf(config.sloDir),
    read: slo?.specs.length ?? 0,
    problems: slo?.problems ?? [],
  });
  const runbookDirs = runbookFolders(config.runbooksDirs);
  const runbooks = readRunbookFolders(runbookDirs);
  parts.push({
    kind: 'runbooks',
    dirs: runbookDirs,
    read: runbooks.runbooks.length,
    problems: runbooks.problems.map(asProblem),
  });
  const catalog = config.catalogDir ? readCatalogFolder(config.catalogDir) : undefined;
  parts.push({
    kind: 'catalog',
    dirs: folderOf(config.catalogDir),
    read: catalog?.entries.length ?? 0,
    problems: (catalog?.problems ?? []).map(asProblem),
  });
  const profiles = config.stabilizeProfilesDir ? readProfileFolder(config.stabilizeProfilesDir) : undefined;
  parts.push({
    kind: 'profiles',
    dirs: folderOf(config.stabilizeProfilesDir),
    read: profiles?.profiles.length ?? 0,
    problems: (profiles?.problems ?? []).map(asProblem),
  });
  return { parts };
}

/**
 * Reconciles every configured folder into the store once. While a folder has a problem, nothing it
 * used to hold is deleted (as on the server); the problems are reported for the caller to fail on.
 */
export async function syncFiles(config: Config): Promise<FilesReport> {
  const logger = createLogger('silent');
  const db = openDatabase(config, logger);
  try {
    await migrate(db);
    const { app, tenants, slos, runbooks, catalog, profileFiles } = await buildApp({ config, db, logger });
    try {
      const boot = await tenants.bootstrap(config.bootstrapAdminKey);
      const read = checkFiles(config);
      const parts: FilesPart[] = [];
      for (const part of read.parts) {
        if (part.kind === 'slos' && config.sloDir) {
          const r = await slos.reconcileFiles(config.sloDir);
          parts.push({
            ...part,
            created: r.created,
            updated: r.updated,
            deleted: r.deleted,
            problems: [...r.problems, ...r.skipped.map((s) => ({ file: config.sloDir!, message: `skipped: ${s}` }))],
          });
        } else if (part.kind === 'runbooks') {
          const r = await runbooks.syncFiles();
          parts.push({
            ...part,
            changed: r.changed,
            problems: r.problems.map(asProblem),
          });
        } else if (part.kind === 'catalog' && config.catalogDir) {
          await catalog.syncIfChanged();
          parts.push({
            ...part,
            problems: catalog.problems().map(asProblem),
          });
        } else if (part.kind === 'profiles' && config.stabilizeProfilesDir) {
          await profileFiles.syncIfChanged();
          parts.push({
            ...part,
            problems: profileFiles.problems().map(asProblem),
          });
        } else parts.push(part);
      }
      return { parts, ...(boot.created && boot.secret ? { bootstrapSecret: boot.secret } : {}) };
    } finally {
      await app.close();
    }
  } finally {
    await db.knex.destroy();
  }
}
