/**
 * `ballast sync`: SLO, runbook, catalog and stabilize profile files reconciled into the store the server
 * uses (the same configuration: ballast.config.yaml, BALLAST_* variables), or with `--check` only read and
 * checked, for a pull request. Exits 1 when any file has a problem.
 */
import { ConfigError, checkFiles, loadConfig, syncFiles, type FilesPart, type FilesReport } from '@ballast/server';
import { Command } from 'commander';
import { table } from './format.js';
import { CommandFailed, eprintln, printJson, println, UsageError } from './io.js';
import type { CommandContext } from './options.js';

interface SyncOptions {
  check?: boolean;
  json?: boolean;
  sloDir?: string;
  runbooksDir?: string[];
  catalogDir?: string;
  profilesDir?: string;
}

const collectDirs = (value: string, previous: string[] = []) => [...previous, value];

function outcome(p: FilesPart, checking: boolean): string {
  if (p.dirs.length === 0) return 'no folder configured';
  const found = `${p.read} in files`;
  if (checking) return found;
  const said = [
    p.created && `${p.created.length} created`,
    p.updated && `${p.updated.length} updated`,
    p.deleted && `${p.deleted.length} deleted`,
    p.changed !== undefined && `${p.changed} changed`,
  ].filter(Boolean);
  return [found, ...said].join(', ');
}

export function syncCommand(ctx: CommandContext): Command {
  return new Command('sync')
    .description(
      'reconcile SLO, runbook, catalog and stabilize profile files into the store (as the server does), or check them',
    )
    .option('--check', 'only read and check the files; open no store')
    .option('--slo-dir <dir>', 'SLO files (default: BALLAST_SLO_DIR)')
    .option('--runbooks-dir <dir>', 'a runbook folder, repeatable (default: BALLAST_RUNBOOKS_DIRS)', collectDirs)
    .option('--catalog-dir <dir>', 'catalog files (default: BALLAST_CATALOG_DIR)')
    .option('--profiles-dir <dir>', 'stabilize profile files (default: BALLAST_STABILIZE_PROFILES_DIR)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nThe store is the one the server is configured with (BALLAST_DATABASE_URL, or SQLite in BALLAST_DATA_DIR).' +
        '\nObjects from files are managedBy: file; while a folder has a problem, nothing it held is deleted.',
    )
    .action(async (opts: SyncOptions) => {
      const env = {
        ...ctx.io.env,
        ...(opts.sloDir && { BALLAST_SLO_DIR: opts.sloDir }),
        ...(opts.runbooksDir && { BALLAST_RUNBOOKS_DIRS: opts.runbooksDir.join(',') }),
        ...(opts.catalogDir && { BALLAST_CATALOG_DIR: opts.catalogDir }),
        ...(opts.profilesDir && { BALLAST_STABILIZE_PROFILES_DIR: opts.profilesDir }),
      };
      let config;
      try {
        config = loadConfig(env);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
      const report: FilesReport = opts.check ? checkFiles(config) : await syncFiles(config);
      const problems = report.parts.flatMap((p) => p.problems.map((q) => ({ kind: p.kind, ...q })));
      if (opts.json) printJson(ctx.io, report);
      else {
        if (report.bootstrapSecret)
          println(
            ctx.io,
            `The store was empty: a first admin key was made. It is shown once:\n  ${report.bootstrapSecret}\n`,
          );
        const rows = table([
          ['FILES', 'FOLDERS', opts.check ? 'CHECKED' : 'SYNCED', 'PROBLEMS'],
          ...report.parts.map((p) => [
            p.kind,
            p.dirs.join(', ') || '-',
            outcome(p, !!opts.check),
            String(p.problems.length),
          ]),
        ]);
        for (const row of rows) println(ctx.io, row);
        for (const p of problems) eprintln(ctx.io, `${p.kind}: ${p.file}: ${p.message}`);
      }
      if (problems.length > 0)
        throw new CommandFailed(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the files`);
    });
}
