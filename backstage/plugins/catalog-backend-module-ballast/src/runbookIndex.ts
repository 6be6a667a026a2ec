/**
 * All runbooks by service, fetched in one call on a schedule, so the catalog's processing loop reads
 * memory and never calls Ballast per entity.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { BallastClient, RunbookSummary } from '@ballast/contract';

/** Ballast's largest page of runbooks; a full page may mean some were left out. */
const LIMIT = 500;

export class RunbookIndex {
  #byService = new Map<string, RunbookSummary[]>();
  #firstLoad: Promise<void>;
  #loaded!: () => void;

  constructor(
    private readonly ballast: BallastClient,
    private readonly logger: LoggerService,
  ) {
    this.#firstLoad = new Promise((resolve) => (this.#loaded = resolve));
  }

  /**
   * Settles after the first refresh, whether it worked or not, or after `waitMs` if the refresh has not
   * run by then: processing then goes on without runbook links, and the next loop after a refresh adds them.
   */
  ready(waitMs = 30_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      timer.unref?.();
    });
    return Promise.race([this.#firstLoad, timeout]).finally(() => clearTimeout(timer));
  }

  runbooksOf(service: string): readonly RunbookSummary[] {
    return this.#byService.get(service) ?? [];
  }

  async refresh(): Promise<void> {
    try {
      const { runbooks } = await this.ballast.call('listRunbooks', { query: { limit: String(LIMIT) } });
      const next = new Map<string, RunbookSummary[]>();
      for (const runbook of runbooks)
        for (const service of runbook.services) next.set(service, [...(next.get(service) ?? []), runbook]);
      this.#byService = next;
      if (runbooks.length === LIMIT)
        this.logger.warn(`Ballast returned ${LIMIT} runbooks, its most per call: some may have no catalog link`);
      this.logger.info(`Ballast runbook index: ${runbooks.length} runbooks for ${next.size} services`);
    } catch (err) {
      // Keep the last index: a short outage of Ballast must not strip links from every entity.
      this.logger.warn(`Ballast runbook index not refreshed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.#loaded();
    }
  }
}
