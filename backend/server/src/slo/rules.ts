/**
 * Prometheus rules from an SLO: an error-ratio recording per window, and one alert per enabled tier
 * comparing both of its windows against the same threshold literal the status uses.
 */
import type { PromRuleGroup, PromRule, Sli } from '@ballast/contract';
import { stringify } from 'yaml';
import { isPlainSelector } from './importReader.js';
import type { SloDefinition } from './status.js';
import { WINDOWS, durationMs, errorBudgetOf, tierThreshold, tiersOf } from './windows.js';

export const RECORD_PREFIX = 'ballast_slo';
export const ALERT_NAME = 'BallastSLOBurnRate';

export type RulesSlo = SloDefinition & { sli: Sli; labels: Record<string, string>; runbookUrl?: string };

/** The recorded error-ratio series of a window, `ballast_slo:sli_error:ratio_rate5m`. */
export const errorRecord = (window: string) => `${RECORD_PREFIX}:sli_error:ratio_rate${window}`;
export const totalRecord = (window: string) => `${RECORD_PREFIX}:sli_total:increase${window}`;

/** The period's window in the rules; calendar months are recorded as 30 days (rules are static). */
export const periodWindow = (slo: Pick<SloDefinition, 'period'>) =>
  slo.period.kind === 'rolling' ? slo.period.window : '30d';

const isTemplate = (q: string) => q.includes('{{.window}}');
const fill = (q: string, w: string) => q.replaceAll('{{.window}}', w);
/** A counter query as a per-second rate over the window: wrapped, or the template filled in. */
const rateOf = (q: string, w: string) => (isTemplate(q) ? `(${fill(q, w)})` : `sum(rate(${q}[${w}]))`);

const braces = (selector: string, extra?: string) => `{${[selector, extra].filter(Boolean).join(',')}}`;

/** A gauge selector as a range, or an expression as a subquery at its resolution. */
function booleanRange(sli: Extract<Sli, { kind: 'boolean' }>, w: string): string {
  return isPlainSelector(sli.query) && sli.resolution === undefined
    ? `${sli.query}[${w}]`
    : `(${sli.query})[${w}:${sli.resolution ?? '1m'}]`;
}

/** PromQL for the error ratio of an SLI over a window; undefined for pushed SLIs. */
export function errorRatioExpr(sli: Sli, w: string): string | undefined {
  switch (sli.kind) {
    case 'ratio':
      return sli.bad !== undefined
        ? `${rateOf(sli.bad, w)} / ${rateOf(sli.total, w)}`
        : `1 - (${rateOf(sli.good!, w)} / ${rateOf(sli.total, w)})`;
    case 'latency':
      return (
        `1 - (sum(rate(${sli.metric}_bucket${braces(sli.selector, `le="${sli.le}"`)}[${w}]))` +
        ` / sum(rate(${sli.metric}_count${braces(sli.selector)}[${w}])))`
      );
    case 'boolean':
      return `1 - avg(avg_over_time(${booleanRange(sli, w)}))`;
    case 'pushed':
      return undefined;
  }
}

/** PromQL for the number of events in a window (for the minimum-traffic guard). */
export function totalExpr(sli: Sli, w: string): string | undefined {
  switch (sli.kind) {
    case 'ratio':
      return isTemplate(sli.total)
        ? `(${fill(sli.total, w)}) * ${durationMs(w) / 1000}`
        : `sum(increase(${sli.total}[${w}]))`;
    case 'latency':
      return `sum(increase(${sli.metric}_count${braces(sli.selector)}[${w}]))`;
    case 'boolean':
      return `sum(count_over_time(${booleanRange(sli, w)}))`;
    case 'pushed':
      return undefined;
  }
}

export const sloLabels = (slo: Pick<SloDefinition, 'id' | 'service' | 'name'>) => ({
  ballast_slo_id: slo.id,
  ballast_service: slo.service,
  ballast_slo: slo.name,
});

const selectorOf = (slo: Pick<SloDefinition, 'id'>) => `{ballast_slo_id="${slo.id}"}`;

/** The rule groups of one SLO; undefined when its SLI is pushed (Prometheus has nothing to evaluate). */
export function buildRuleGroups(slo: RulesSlo): PromRuleGroup[] | undefined {
  if (slo.sli.kind === 'pushed') return undefined;
  const labels = sloLabels(slo);
  const sel = selectorOf(slo);
  const windows = [...new Set<string>([...WINDOWS, periodWindow(slo)])];
  const rules: PromRule[] = windows.map((w) => ({
    record: errorRecord(w),
    expr: errorRatioExpr(slo.sli, w)!,
    labels,
  }));
  const tiers = tiersOf(slo).filter((t) => t.enabled);
  if (slo.minTraffic > 0) {
    for (const w of new Set(tiers.map((t) => t.longWindow)))
      rules.push({ record: totalRecord(w), expr: totalExpr(slo.sli, w)!, labels });
  }
  rules.push({
    record: `${RECORD_PREFIX}:error_budget:ratio`,
    expr: `vector(${errorBudgetOf(slo.objective)})`,
    labels,
  });
  const objectivePct = `${Number((slo.objective * 100).toPrecision(10))}%`;
  for (const t of tiers) {
    const threshold = tierThreshold(t.factor, slo.objective);
    const parts = [
      `${errorRecord(t.longWindow)}${sel} >= ${threshold}`,
      `${errorRecord(t.shortWindow)}${sel} >= ${threshold}`,
    ];
    if (slo.minTraffic > 0) parts.push(`${totalRecord(t.longWindow)}${sel} >= ${slo.minTraffic}`);
    rules.push({
      alert: ALERT_NAME,
      expr: parts.join('\nand\n'),
      // The SLO id as a rule label too keeps alerts of several SLOs in one file distinct for promtool.
      labels: { ...slo.labels, ballast_slo_id: slo.id, severity: t.severity, burnrate_tier: t.name },
      annotations: {
        summary: `${slo.service} ${slo.name}: error budget burning at ${t.factor}x or faster`,
        description:
          `The ${objectivePct} SLO ${slo.id} burns its ${periodWindow(slo)} error budget at ${t.factor}x or faster ` +
          `over both ${t.longWindow} and ${t.shortWindow} (error ratio >= ${threshold}).`,
        ...(slo.runbookUrl !== undefined && { runbook_url: slo.runbookUrl }),
      },
    });
  }
  return [{ name: `ballast-slo-${slo.id}`, rules }];
}

export const rulesYaml = (groups: PromRuleGroup[]): string =>
  stringify({ groups }, { lineWidth: 0, aliasDuplicateObjects: false, singleQuote: true });
