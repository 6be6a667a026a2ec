import type { HumanDuration } from '@backstage/types';

export interface Config {
  ballast?: {
    /** Where the Ballast server answers (shared with the Ballast backend plugin). */
    baseUrl: string;
    /**
     * The Ballast key (shared with the backend plugin). The catalog push needs `catalog:write`.
     * @visibility secret
     */
    apiKey: string;
    /** Where a person sees a service's timeline: `{service}` is replaced. Default: `{app.baseUrl}/ballast/timeline?service={service}`. */
    timelineUrl?: string;
    /** Where a person reads a runbook: `{id}` is replaced. Default: `{app.baseUrl}/ballast/runbooks/{id}`. */
    runbookUrl?: string;
    catalog?: {
      /**
       * A separate key for this module (it needs `catalog:write`, which only the admin role holds today).
       * @visibility secret
       */
      apiKey?: string;
      /** How often the runbook index is fetched (one call for all entities). Default 5 minutes. */
      indexRefresh?: HumanDuration;
      push?: {
        /** Push owner, tier and dependencies to Ballast's catalog. Default true. */
        enabled?: boolean;
        /** How often. Default 10 minutes. */
        frequency?: HumanDuration;
      };
    };
  };
}
