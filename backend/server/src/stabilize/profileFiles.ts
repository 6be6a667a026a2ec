/**
 * Stabilize profiles as code: one file per scope (YAML or JSON) in the folder named by
 * BALLAST_STABILIZE_PROFILES_DIR, reconciled into the default tenant by every replica when the folder
 * changes (as runbooks and catalog entries are, ADR 004). A file's profile is stored as a new version
 * only when it differs; a removed file's scope becomes editable through the API again (not when the
 * whole folder is missing: folders.ts). A bad file is reported with its path and field, and the other
 * files still load.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Knex } from 'knex';
import { parse as parseYaml } from 'yaml';
import { issuesToDetails, ProfileFile, type Actor, type ProfileSpec } from '@ballast/contract';
import type { PolicyRecorder } from '../events/policyEvents.js';
import { folderProblem } from '../folders.js';
import { previewChanges, profileStore } from './profiles.js';

export interface ProfileFileProblem {
  path: string;
  field: string;
  message: string;
}

interface FileProfile {
  path: string;
  service: string;
  environment?: string;
  spec: ProfileSpec;
}

const FILE_ACTOR: Actor = { type: 'system', id: 'profile-files', name: 'stabilize profile files', verified: true };
const isProfileFile = (name: string) => /\.(ya?ml|json)$/i.test(name) && !name.startsWith('.');

function listFiles(dir: string): { file: string; mtimeMs: number; size: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(isProfileFile)
    .sort()
    .flatMap((name) => {
      try {
        const st = statSync(join(dir, name));
        return st.isFile() ? [{ file: join(dir, name), mtimeMs: st.mtimeMs, size: st.size }] : [];
      } catch {
        return [];
      }
    });
}

export function readProfileFolder(dir: string): {
  profiles: FileProfile[];
  problems: ProfileFileProblem[];
  /** The folder itself could not be listed: no file's scope is released. */
  unreadable?: boolean;
} {
  const root = resolve(dir);
  const profiles: FileProfile[] = [];
  const problems: ProfileFileProblem[] = [];
  const seen = new Map<string, string>();
  const unreadable = folderProblem(root);
  if (unreadable)
    return { profiles, problems: [{ path: dir, field: 'folder', message: unreadable }], unreadable: true };
  for (const { file } of listFiles(root)) {
    const path = relative(process.cwd(), file) || file;
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push({
        path,
        field: 'file',
        message: `not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
      });
      continue;
    }
    const parsed = ProfileFile.safeParse(doc);
    if (!parsed.success) {
      for (const d of issuesToDetails(parsed.error.issues))
        problems.push({ path, field: d.path || '(file)', message: d.message });
      continue;
    }
    const { service, environment, ...spec } = parsed.data;
    const scope = `${service}${environment ? ` in ${environment}` : ''}`;
    const first = seen.get(scope);
    if (first) {
      problems.push({
        path,
        field: 'service',
        message: `${scope} already has a profile in ${first}; this file is skipped`,
      });
      continue;
    }
    seen.set(scope, path);
    profiles.push({ path: relative(root, file), service, ...(environment && { environment }), spec });
  }
  return { profiles, problems };
}

export function profileFileSync(
  knex: Knex,
  dir: string | undefined,
  tenant: string,
  recordPolicyEvent: PolicyRecorder,
  now: () => number = Date.now,
) {
  let signature: string | undefined;
  let problems: ProfileFileProblem[] = [];
  let running: Promise<boolean> | undefined;

  async function syncFiles(): Promise<void> {
    if (!dir) return;
    const read = readProfileFolder(dir);
    problems = read.problems;
    await knex.transaction(async (trx) => {
      const store = profileStore(trx, tenant);
      const wanted = new Set<string>();
      for (const f of read.profiles) {
        wanted.add(`${f.service}\n${f.environment ?? ''}`);
        const { profile, created } = await store.put(f.service, f.environment, f.spec, FILE_ACTOR, now(), {
          managedBy: 'file',
          file: f.path,
        });
        if (created)
          await recordPolicyEvent(
            trx,
            tenant,
            `Stabilize profile for ${f.service}${f.environment ? ` in ${f.environment}` : ''} is now version ${profile.version} (from ${f.path})`,
            'updated',
            {
              service: f.service,
              environment: f.environment ?? null,
              version: profile.version,
              file: f.path,
              changes: previewChanges(f.spec),
            },
            FILE_ACTOR,
          );
      }
      if (read.unreadable) return;
      for (const p of await store.fileManaged())
        if (!wanted.has(`${p.service}\n${p.environment ?? ''}`)) await store.release(p.service, p.environment);
    });
  }

  return {
    syncFiles,
    /** Reconciles when the folder's listing (names, sizes, times) changed since the last pass. */
    syncIfChanged(): Promise<boolean> {
      running ??= (async () => {
        if (!dir) return false;
        const seen =
          `${folderProblem(resolve(dir)) ?? ''}\n` +
          listFiles(resolve(dir))
            .map((f) => `${f.file}\0${f.mtimeMs}\0${f.size}`)
            .join('\n');
        if (seen === signature) return false;
        await syncFiles();
        signature = seen;
        return true;
      })().finally(() => (running = undefined));
      return running;
    },
    problems: () => problems,
  };
}
