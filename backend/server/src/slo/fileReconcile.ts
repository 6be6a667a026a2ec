/**
 * SLO files (provisioning) into a tenant: the SLOs they hold are created and changed as `managedBy:
 * file`, and deleted when no file holds them any more.
 */
import type { Knex } from 'knex';
import type { Actor } from '@ballast/contract';
import type { PolicyRecorder } from '../events/policyEvents.js';
import { DEFAULT_TENANT } from '../tenants/tenants.js';
import { canonicalJson } from './canonicalJson.js';
import { readSloFiles } from './files.js';
import { PrometheusError, checkLatencyBucket, type PrometheusClient } from './prometheus.js';
import { sloStore } from './sloStore.js';

export interface FileReconcileDeps {
  knex: Knex;
  recordEvent: PolicyRecorder;
  /** Where latency thresholds are checked against the histogram; without it they are not checked. */
  prometheus: PrometheusClient | undefined;
  now: () => number;
}

/**
 * SLO files into the default tenant as `managedBy: file`: created, changed, and deleted when their
 * file no longer holds them (only while every file reads cleanly). SLOs made through the API are
 * left alone and reported.
 */
export async function reconcileSloFiles(deps: FileReconcileDeps, dir: string, tenant = DEFAULT_TENANT) {
  const { knex, recordEvent, prometheus, now } = deps;
  const read = readSloFiles(dir);
  const result = { created: [] as string[], updated: [] as string[], deleted: [] as string[], unchanged: 0 };
  const skipped: string[] = [];
  const actor: Actor = { type: 'system', id: 'slo-files', name: `SLO files in ${dir}`, verified: true };
  const problems = [...read.problems];
  const stored = new Map((await sloStore(knex, tenant).list()).map((r) => [r.spec.id, r]));
  const usable: typeof read.specs = [];
  // A latency threshold new or changed in a file is checked against the histogram, as the API does;
  // a wrong one (or one that cannot be checked now) leaves the stored SLO as it was.
  for (const f of read.specs) {
    const before = stored.get(f.spec.id);
    if (f.spec.sli.kind === 'latency' && prometheus && canonicalJson(before?.spec) !== canonicalJson(f.spec)) {
      const wrong = await checkLatencyBucket(prometheus, f.spec.sli).catch((err: unknown) => {
        if (!(err instanceof PrometheusError)) throw err;
        return { path: 'sli.le', message: `cannot be checked now: ${err.message}` };
      });
      if (wrong) {
        problems.push({ file: f.file, message: `${f.spec.id}: ${wrong.path}: ${wrong.message}` });
        continue;
      }
    }
    usable.push(f);
  }
  for (const f of usable) {
    await knex.transaction(async (trx) => {
      const store = sloStore(trx, tenant);
      const existing = await store.get(f.spec.id, { forUpdate: true });
      const at = now();
      if (existing && existing.managedBy !== 'file') {
        skipped.push(`${f.spec.id} (${f.file}): made through the API; delete it there to manage it from the file`);
      } else if (!existing) {
        await store.insert({ spec: f.spec, origin: f.origin, managedBy: 'file', createdAt: at, updatedAt: at });
        await recordEvent(
          trx,
          tenant,
          `SLO ${f.spec.id} created from ${f.file}`,
          'created',
          { sloId: f.spec.id, file: f.file },
          actor,
        );
        result.created.push(f.spec.id);
      } else if (canonicalJson(existing.spec) !== canonicalJson(f.spec) || existing.origin !== f.origin) {
        await store.update(existing.key, f.spec, f.origin, at);
        await recordEvent(
          trx,
          tenant,
          `SLO ${f.spec.id} changed in ${f.file}`,
          'updated',
          { sloId: f.spec.id, file: f.file },
          actor,
        );
        result.updated.push(f.spec.id);
      } else result.unchanged++;
    });
  }
  if (problems.length === 0) {
    const wanted = new Set(read.specs.map((f) => f.spec.id));
    for (const r of await sloStore(knex, tenant).list()) {
      if (r.managedBy !== 'file' || wanted.has(r.spec.id)) continue;
      await knex.transaction(async (trx) => {
        await sloStore(trx, tenant).delete(r.key);
        await recordEvent(
          trx,
          tenant,
          `SLO ${r.spec.id} deleted: no file holds it any more`,
          'deleted',
          { sloId: r.spec.id },
          actor,
        );
      });
      result.deleted.push(r.spec.id);
    }
  }
  return { ...result, skipped, problems };
}
