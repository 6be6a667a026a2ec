import type { Config } from './config/config.js';
import { migrate, openDatabase } from './db/knex.js';
import { buildApp, createLogger } from './http/app.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the store, migrates, creates the first admin key on an empty store, and listens.
 * `close()` stops taking requests, lets in-flight ones (writes included) finish, then closes the store.
 */
export async function startServer(
  config: Config,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config, logger);
  try {
    await migrate(db);
  } catch (err) {
    await db.knex.destroy();
    throw new Error(`cannot prepare the store at ${db.location}: ${(err as Error).message}`);
  }
  const { app, tenants, slos, stabilize, profileFiles, runbooks, catalog } = await buildApp({ config, db, logger });
  const boot = await tenants.bootstrap(config.bootstrapAdminKey);
  if (boot.created && boot.secret) {
    out('');
    out('  Ballast created the first admin key. It is shown once; store it now:');
    out(`    ${boot.secret}`);
    out('');
  } else if (boot.created) {
    out('Ballast created the first admin key from BALLAST_BOOTSTRAP_ADMIN_KEY.');
  }
  // Runbook and catalog folders are in the store before the first request, then followed for edits.
  const warn = (what: string) => (p: { path: string; field: string; message: string }) =>
    app.log.warn(p, `${what} skipped: ${p.path}: ${p.field}: ${p.message}`);
  const syncFolders = async () => {
    for (const [what, source] of [
      ['runbook', runbooks],
      ['catalog entry', catalog],
      ['stabilize profile', profileFiles],
    ] as const) {
      await source.syncIfChanged().then(
        (changed) => changed && source.problems().forEach(warn(what)),
        (err: Error) => app.log.warn({ err: err.message }, `${what} files could not be read`),
      );
    }
  };
  await syncFolders();
  const folderWatch =
    config.runbooksPollMs > 0 ? setInterval(() => void syncFolders(), config.runbooksPollMs).unref() : undefined;
  const address = await app.listen({ host: config.host, port: config.port });
  // The one SQLite connection lives as long as the process: refresh its planner statistics hourly.
  const optimize =
    db.dialect === 'sqlite'
      ? setInterval(() => void db.knex.raw('PRAGMA optimize').catch(() => {}), 3_600_000).unref()
      : undefined;
  // Evaluations record SLO events as time passes, also for SLIs nobody pushes to (Prometheus); SLO
  // files are reconciled first on each tick, and once at start.
  const sloTick = () =>
    slos
      .evaluateAll(undefined, {
        filesDir: config.sloDir,
        onFiles: (r) => {
          for (const p of r.problems) app.log.warn({ file: p.file }, `SLO file not used: ${p.message}`);
          for (const s of r.skipped) app.log.warn(`SLO file skipped: ${s}`);
        },
      })
      .catch((err: Error) => app.log.warn({ err: err.message }, 'SLO evaluation failed'));
  const sloEvaluation =
    config.sloEvaluationIntervalMs > 0
      ? setInterval(() => void sloTick(), config.sloEvaluationIntervalMs).unref()
      : undefined;
  if (config.sloEvaluationIntervalMs > 0 && config.sloDir) await sloTick();
  // Stabilizes whose time ran out while no server was running end now, once, with their event;
  // then every replica sweeps (each due row is taken by exactly one of them).
  // Delivery steps due (a shadow period ended, a retry's backoff passed) run in the background: an
  // actuator that hangs never holds up the sweep or the start.
  const sweep = () =>
    stabilize
      .expireDue()
      .then(() => void stabilize.deliverDue())
      .catch((err: Error) => app.log.warn({ err: err.message }, 'stabilize expiry failed'));
  await sweep();
  const stabilizeSweep = setInterval(() => void sweep(), config.stabilizeSweepIntervalMs).unref();
  app.log.info({ store: db.dialect, location: db.location }, `Ballast listening on ${address}`);

  let closing: Promise<void> | undefined;
  return {
    url: address,
    close() {
      closing ??= (async () => {
        clearInterval(optimize);
        clearInterval(sloEvaluation);
        clearInterval(stabilizeSweep);
        clearInterval(folderWatch);
        const timer = setTimeout(() => app.server.closeAllConnections?.(), config.shutdownTimeoutMs);
        try {
          await app.close();
          // A delivery step in flight records its acknowledgement before the pool closes (or its
          // lease runs out and another replica takes it again).
          let idleTimer: NodeJS.Timeout | undefined;
          await Promise.race([
            stabilize.deliveryIdle(),
            new Promise((r) => (idleTimer = setTimeout(r, config.shutdownTimeoutMs))),
          ]);
          clearTimeout(idleTimer);
        } finally {
          clearTimeout(timer);
          await db.knex.destroy();
        }
      })();
      return closing;
    },
  };
}
