/**
 * Runbooks of a tenant: the folders reconciled into the store (managedBy `file`), plus those registered
 * through the API. Reads go through a per-tenant cache of one second, dropped at once on a change here.
 */
import type { Knex } from 'knex';
import {
  type Actor,
  type Event,
  type Runbook,
  type RunbookList,
  type RunbookMatch,
  type RunbookProblem,
  type RunbookSummary,
} from '@ballast/contract';
import type { PolicyRecorder } from '../events/policyEvents.js';
import { ApiError } from '../http/errors.js';
import { lockRow } from '../catalog/writeLock.js';
import { foldersSignature, readRunbookFolders } from './folder.js';
import { chooseRunbook, runbookInputs, WITH_RUNBOOK, type RunbookInputs } from './eventRunbook.js';
import { lookupRunbooks } from './match.js';
import { bodyProblems } from './parse.js';
import { renderMarkdown } from './render.js';
import { contentHash, runbookStore, type StoredRunbook } from './runbookStore.js';
import { reviewDue, searchRunbooks } from './textSearch.js';
import type { RunbookFrontmatter } from '@ballast/contract';

const CACHE_MS = 1000;

export interface RunbookServiceOptions {
  /** Folders read for runbooks (absolute, or relative to the working directory). */
  dirs: readonly string[];
  /** The tenant that file runbooks belong to. */
  fileTenant: string;
  now?: () => number;
}

export interface RunbookQuery {
  service?: string;
  q?: string;
  runbookUrl?: string;
  slo?: string;
  labels: Record<string, string>;
  limit: number;
}

/** Distinct stored runbook inputs remembered per tenant (many answers' worth); then it starts again. */
const MEMBER_MEMO = 20_000;

export function runbookService(knex: Knex, recordEvent: PolicyRecorder, options: RunbookServiceOptions) {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; runbooks: StoredRunbook[] }>();
  /** Per tenant: runbook members already chosen for stored inputs, under the runbooks they were chosen from. */
  const chosenBy = new Map<string, { signature: string; chosen: Map<string, string> }>();
  let problems: RunbookProblem[] = [];
  let signature: string | undefined;

  async function runbooksOf(tenant: string): Promise<StoredRunbook[]> {
    const hit = cache.get(tenant);
    if (hit && now() - hit.at < CACHE_MS) return hit.runbooks;
    const runbooks = await runbookStore(knex).all(tenant);
    cache.set(tenant, { at: now(), runbooks });
    return runbooks;
  }

  function summary(r: StoredRunbook, match?: RunbookMatch): RunbookSummary {
    const fm = r.frontmatter;
    const due = reviewDue(fm);
    return {
      id: r.id,
      title: fm.title,
      services: fm.services,
      ...(fm.severity && { severity: fm.severity }),
      ...(fm.owner && { owner: fm.owner }),
      tags: fm.tags,
      managedBy: r.managedBy,
      ...(r.path !== undefined && { path: r.path }),
      stale: due !== undefined && due.getTime() < now(),
      ...(due && { reviewDue: due.toISOString() }),
      updatedAt: new Date(r.updatedAt).toISOString(),
      ...(match && { match }),
    };
  }

  const full = (r: StoredRunbook): Runbook => ({
    ...summary(r),
    frontmatter: r.frontmatter,
    markdown: r.markdown,
    html: renderMarkdown(r.markdown),
  });

  /**
   * Reads the folders and makes the file runbooks of the store match them: changed ones written, removed
   * ones deleted (only when every file reads cleanly), unchanged ones left alone. An id already
   * registered through the API is not taken over.
   */
  async function syncFiles(): Promise<{ changed: number; problems: RunbookProblem[] }> {
    // No folder to follow: the store's file runbooks stay as they are (a server started without the
    // folders must not empty them for the replicas that have them).
    if (options.dirs.length === 0) return { changed: 0, problems: [] };
    const read = readRunbookFolders(options.dirs);
    const found: RunbookProblem[] = [...read.problems];
    const tenant = options.fileTenant;
    let changed = 0;
    await knex.transaction(async (trx) => {
      const store = runbookStore(trx);
      const existing = new Map((await store.all(tenant)).map((r) => [r.id, r]));
      const keep = new Set<string>();
      const at = now();
      for (const f of read.runbooks) {
        const id = f.frontmatter.id;
        const before = existing.get(id);
        if (before?.managedBy === 'api') {
          found.push({
            path: f.path,
            field: 'id',
            message: `id "${id}" is registered through the API; delete it there for this file to load`,
          });
          continue;
        }
        keep.add(id);
        const hash = contentHash(f.frontmatter, f.markdown, f.path);
        if (before?.contentHash === hash) continue;
        await store.upsert(
          tenant,
          { id, frontmatter: f.frontmatter, markdown: f.markdown, managedBy: 'file', path: f.path, contentHash: hash },
          at,
        );
        changed++;
      }
      // While a file is broken, nothing is deleted: a typo must not take the last good runbook away.
      const gone =
        read.problems.length > 0
          ? []
          : [...existing.values()].filter((r) => r.managedBy === 'file' && !keep.has(r.id)).map((r) => r.id);
      await store.remove(tenant, gone);
      changed += gone.length;
    });
    problems = found;
    cache.delete(tenant);
    return { changed, problems: found };
  }

  let syncing: Promise<boolean> | undefined;
  /** Re-reads the folders when a runbook file was added, removed or edited since the last look. */
  function syncIfChanged(): Promise<boolean> {
    syncing ??= (async () => {
      const seen = foldersSignature(options.dirs);
      if (seen === signature) return false;
      await syncFiles();
      signature = seen;
      return true;
    })().finally(() => (syncing = undefined));
    return syncing;
  }

  function notFound(id: string): ApiError {
    return new ApiError(404, 'not_found', `no runbook ${id}`, [{ path: 'params.id', message: 'not found' }]);
  }

  return {
    syncFiles,
    syncIfChanged,
    /** Files of the folders skipped at the last read, and why. */
    problems: () => problems,

    async list(tenant: string, q: RunbookQuery): Promise<RunbookList> {
      let runbooks = await runbooksOf(tenant);
      const ownProblems = tenant === options.fileTenant ? problems : [];
      const lookup =
        q.runbookUrl !== undefined ||
        Object.keys(q.labels).length > 0 ||
        q.service !== undefined ||
        q.slo !== undefined;
      let out: RunbookSummary[];
      if (lookup) {
        let hits = lookupRunbooks(runbooks, {
          ...(q.runbookUrl !== undefined && { runbookUrl: q.runbookUrl }),
          labels: q.labels,
          ...(q.service !== undefined && { service: q.service }),
          ...(q.slo !== undefined && { sloId: q.slo }),
        });
        if (q.q) {
          const within = new Set(searchRunbooks(runbooks, q.q).map((r) => r.id));
          hits = hits.filter((h) => within.has(h.runbook.id));
        }
        out = hits.map((h) => summary(h.runbook, h.match));
      } else if (q.q) {
        runbooks = searchRunbooks(runbooks, q.q);
        out = runbooks.map((r) => summary(r, { by: 'text' }));
      } else {
        out = runbooks.map((r) => summary(r));
      }
      return { runbooks: out.slice(0, q.limit), problems: ownProblems };
    },

    async get(tenant: string, id: string): Promise<Runbook> {
      const r = (await runbooksOf(tenant)).find((x) => x.id === id) ?? (await runbookStore(knex).get(tenant, id));
      if (!r) throw notFound(id);
      return full(r);
    },

    /** Registers or replaces an API runbook. The same runbook again changes nothing and records nothing. */
    async put(tenant: string, id: string, body: { frontmatter: RunbookFrontmatter; markdown: string }, actor: Actor) {
      if (body.frontmatter.id !== id) {
        throw new ApiError(400, 'validation_failed', `the frontmatter id must be the id in the path (${id})`, [
          { path: 'body.frontmatter.id', message: `must be "${id}"` },
        ]);
      }
      const missing = bodyProblems(body.markdown);
      if (missing.length > 0) {
        throw new ApiError(
          400,
          'validation_failed',
          `the runbook lacks sections: ${missing.map((p) => p.field.slice('sections.'.length)).join(', ')}`,
          missing.map((p) => ({ path: 'body.markdown', message: p.message })),
        );
      }
      return knex.transaction(async (trx) => {
        await lockRow(trx, 'runbooks', tenant, id);
        const store = runbookStore(trx);
        const before = await store.get(tenant, id);
        if (before?.managedBy === 'file') throw managedByFile(id, before.path);
        const hash = contentHash(body.frontmatter, body.markdown);
        if (before?.contentHash !== hash) {
          await store.upsert(
            tenant,
            { id, frontmatter: body.frontmatter, markdown: body.markdown, managedBy: 'api', contentHash: hash },
            now(),
          );
          await recordEvent(
            trx,
            tenant,
            `Runbook ${id} "${body.frontmatter.title}" ${before ? 'updated' : 'registered'}`,
            before ? 'updated' : 'created',
            { runbook: id, services: body.frontmatter.services },
            actor,
          );
          cache.delete(tenant);
        }
        const stored = (await store.get(tenant, id))!;
        return full(stored);
      });
    },

    async remove(tenant: string, id: string, actor: Actor): Promise<Runbook> {
      return knex.transaction(async (trx) => {
        const store = runbookStore(trx);
        const before = await store.get(tenant, id);
        if (!before) throw notFound(id);
        if (before.managedBy === 'file') throw managedByFile(id, before.path);
        await store.remove(tenant, [id]);
        await recordEvent(trx, tenant, `Runbook ${id} deleted`, 'deleted', { runbook: id }, actor);
        cache.delete(tenant);
        return full(before);
      });
    },

    /** The kinds of event that `resolverFor` may give a runbook: none while the tenant has no runbooks. */
    async kindsWithRunbooks(tenant: string): Promise<readonly Event['kind'][]> {
      return (await runbooksOf(tenant)).length === 0 ? [] : [...WITH_RUNBOOK];
    },

    /**
     * For events being read: alerts and incidents get the runbook that applies now. An explicit runbook
     * link that names no indexed runbook stays the answer (its link is already on the event).
     */
    async resolverFor(tenant: string): Promise<(e: Event) => Event> {
      const runbooks = await runbooksOf(tenant);
      if (runbooks.length === 0) return (e) => e;
      return (e) => {
        const inputs = runbookInputs(e);
        const runbook = inputs && chooseRunbook(runbooks, inputs);
        return runbook ? { ...e, runbook } : e;
      };
    },

    /**
     * The same choice from an event's stored inputs (`storedRunbookInputs`), as the JSON object member
     * an answer carries (`,"runbook":{…}`, or '' for none). Each distinct inputs text is chosen for once
     * while the tenant's runbooks stay as they are: a dashboard's next refresh reads the same alerts.
     */
    async memberResolverFor(tenant: string): Promise<(storedInputs: string) => string> {
      const runbooks = await runbooksOf(tenant);
      const signature = runbooks.map((r) => `${r.id}:${r.contentHash}`).join(',');
      let memo = chosenBy.get(tenant);
      if (memo?.signature !== signature) {
        memo = { signature, chosen: new Map() };
        chosenBy.set(tenant, memo);
      }
      const { chosen } = memo;
      return (storedInputs) => {
        let member = chosen.get(storedInputs);
        if (member === undefined) {
          const runbook = runbooks.length
            ? chooseRunbook(runbooks, JSON.parse(storedInputs) as RunbookInputs)
            : undefined;
          member = runbook ? `,"runbook":${JSON.stringify(runbook)}` : '';
          if (chosen.size >= MEMBER_MEMO) chosen.clear();
          chosen.set(storedInputs, member);
        }
        return member;
      };
    },
  };
}
export type RunbookService = ReturnType<typeof runbookService>;
/** What event reads need of runbooks: a step that adds the runbook to alerts and incidents. */
export type RunbookResolver = Pick<RunbookService, 'resolverFor' | 'memberResolverFor' | 'kindsWithRunbooks'>;

function managedByFile(id: string, path: string | undefined): ApiError {
  return new ApiError(
    409,
    'conflict',
    `runbook ${id} is managed by a file${path ? ` (${path})` : ''}; change the file instead`,
    [{ path: 'params.id', message: 'managedBy: file' }],
  );
}
