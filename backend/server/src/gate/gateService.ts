import type { Knex } from 'knex';
import {
  EventInput,
  type Actor,
  type EffectivePolicy,
  type GateDecision,
  type GateReason,
  type ParsedEventInput,
} from '@ballast/contract';
import type { Metrics } from '../http/metrics.js';
import { sameActor } from '../stabilize/machine.js';
import { activeFreezes, type GateConfig } from './freezeWindows.js';

/**
 * The deploy gate: refuses a deploy while the scope is stabilized (and its profile freezes deploys),
 * while one of the service's SLOs is out of budget, and inside freeze windows; a person with
 * `gate:override` can let deploys through for a while, with a reason. Denials and overrides are
 * events; allowed checks are only counted (`ballast_gate_checks_total`).
 */

export interface BudgetSignal {
  exhausted: boolean;
  /** `budgetRemaining` is null for an SLO without data yet. */
  slos: { id: string; budgetRemaining: number | null; exhausted: boolean }[];
}

export interface GateDeps {
  knex: Knex;
  config: GateConfig;
  policy(tenant: string, service: string, environment: string): Promise<EffectivePolicy>;
  budget(tenant: string, service: string): Promise<BudgetSignal>;
  append(tenant: string, event: ParsedEventInput, actor: Actor): Promise<unknown>;
  appendInTransaction(
    trx: Knex.Transaction,
    tenant: string,
    events: ParsedEventInput[],
    actor: Actor,
  ): Promise<unknown>;
  metrics: Metrics;
  now?: () => number;
}

interface OverrideRow {
  tenant: string;
  service: string;
  environment: string;
  expires_at: number | string;
  doc: string;
}

/** Denials of one scope for the same reasons are one event per this long, however often CI asks. */
const DENIAL_EVENT_BUCKET_MS = 10 * 60_000;

export function gateService(deps: GateDeps) {
  const now = deps.now ?? Date.now;
  const { knex } = deps;

  async function activeOverride(tenant: string, service: string, environment: string, at: number) {
    const row = await knex('gate_overrides')
      .where({ tenant, service, environment })
      .where('expires_at', '>', at)
      .orderBy('expires_at', 'desc')
      .first<OverrideRow | undefined>();
    return row ? (JSON.parse(row.doc) as NonNullable<GateDecision['override']>) : undefined;
  }

  return {
    async decide(tenant: string, service: string, environment: string, actor: Actor): Promise<GateDecision> {
      const at = now();
      const [policy, budget, override] = await Promise.all([
        deps.policy(tenant, service, environment),
        deps.budget(tenant, service),
        activeOverride(tenant, service, environment, at),
      ]);
      const reasons: GateReason[] = [];
      if (policy.mode === 'enforce' && policy.deployFreeze)
        reasons.push({
          code: 'stabilized',
          message: `${service} is stabilized in ${environment} until ${policy.expiresAt}; deploys are frozen`,
          stabilizeId: policy.stabilizeId!,
        });
      const exhausted = budget.slos.filter((s) => s.exhausted);
      if (exhausted.length)
        reasons.push({
          code: 'budget_exhausted',
          message: `error budget exhausted: ${exhausted.map((s) => s.id).join(', ')}`,
          sloIds: exhausted.map((s) => s.id),
        });
      for (const w of activeFreezes(deps.config.freezeWindows, service, environment, at))
        reasons.push({ code: 'freeze_window', message: `inside the freeze window "${w.name}"`, freezeWindow: w.name });

      const allowed = reasons.length === 0 || override !== undefined;
      const known = budget.slos.map((s) => s.budgetRemaining).filter((b): b is number => b !== null);
      const decision: GateDecision = {
        allowed,
        service,
        environment,
        reasons,
        ...(policy.stabilizeId && { stabilizeId: policy.stabilizeId }),
        ...(known.length && { budgetRemaining: Math.min(...known) }),
        ...(override && reasons.length && { override }),
        checkedAt: new Date(at).toISOString(),
      };
      deps.metrics.gateChecks.inc({ decision: !allowed ? 'denied' : reasons.length ? 'overridden' : 'allowed' });
      if (!allowed) {
        const codes = reasons.map((r) => r.code).join('+');
        await deps.append(
          tenant,
          EventInput.parse({
            occurredAt: new Date(at).toISOString(),
            source: 'policy',
            kind: 'policy_decision',
            status: 'denied',
            severity: 'warning',
            service,
            environment,
            title: `Deploy of ${service} to ${environment} denied: ${reasons.map((r) => r.code.replace('_', ' ')).join(', ')}`,
            description: reasons.map((r) => r.message).join('\n'),
            attributes: { gate: 'deploy', reasons },
            correlation: policy.stabilizeId ? { stabilizeId: policy.stabilizeId } : {},
            dedupeKey: `gate:deploy:denied:${service}:${environment}:${codes}:${Math.floor(at / DENIAL_EVENT_BUCKET_MS)}`,
          }),
          actor,
        );
      }
      return decision;
    },

    /** Lets deploys of a scope through the gate for `minutes`, whatever stands against them. */
    async override(
      tenant: string,
      input: { service: string; environment: string; reason: string; minutes: number },
      actor: Actor,
    ): Promise<NonNullable<GateDecision['override']>> {
      const at = now();
      // A retry of the same override (same person, same reason, still running) is answered, not stored again.
      const running = await activeOverride(tenant, input.service, input.environment, at);
      if (running && sameActor(running.by, actor) && running.reason === input.reason) return running;
      const info = { by: actor, reason: input.reason, expiresAt: new Date(at + input.minutes * 60_000).toISOString() };
      await knex.transaction(async (trx) => {
        await trx('gate_overrides').insert({
          tenant,
          service: input.service,
          environment: input.environment,
          expires_at: at + input.minutes * 60_000,
          doc: JSON.stringify(info),
        });
        await deps.appendInTransaction(
          trx,
          tenant,
          [
            EventInput.parse({
              occurredAt: new Date(at).toISOString(),
              source: 'policy',
              kind: 'policy_decision',
              status: 'override',
              severity: 'warning',
              service: input.service,
              environment: input.environment,
              title: `Deploy gate overridden for ${input.service} in ${input.environment} for ${input.minutes} min`,
              description: input.reason,
              attributes: { gate: 'deploy', reason: input.reason, expiresAt: info.expiresAt, minutes: input.minutes },
            }),
          ],
          actor,
        );
      });
      return info;
    },
  };
}

export type GateService = ReturnType<typeof gateService>;
