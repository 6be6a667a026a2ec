import { z } from 'zod';
import { Severity } from './event.js';
import { TimeZone } from './timeZone.js';

/**
 * Service level objectives: the native spec, the pushed SLI data, and what the engine answers (status
 * with the working of every number, plot series, Prometheus rules).
 */

export const SloId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, . _ - (starting with a letter or digit)');

const Name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'must start with a letter or digit and hold only letters, digits, . _ - /');

/** A PromQL expression; ratio queries are counter selectors (wrapped in `rate`) or templates using `{{.window}}`. */
const PromQl = z.string().trim().min(1).max(4096);

export const ROLLING_PERIODS = ['7d', '28d', '30d'] as const;

export const SloPeriod = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rolling'), window: z.enum(ROLLING_PERIODS) }),
  z.strictObject({
    kind: z.literal('calendar'),
    unit: z.literal('month'),
    /** IANA zone where the month starts, e.g. `Europe/Berlin`. */
    timeZone: TimeZone,
  }),
]);
export type SloPeriod = z.infer<typeof SloPeriod>;

export const SliKind = z.enum(['ratio', 'latency', 'boolean', 'pushed']);

export const Sli = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('ratio'),
      /** Good events (counter); give this or `bad`. */
      good: PromQl.optional(),
      /** Bad events (counter); give this or `good`. */
      bad: PromQl.optional(),
      total: PromQl,
    })
    .refine((s) => (s.good === undefined) !== (s.bad === undefined), {
      message: 'give exactly one of good and bad',
      path: ['good'],
    }),
  z.strictObject({
    kind: z.literal('latency'),
    /** The histogram's base name: `http_request_duration_seconds` (its `_bucket` and `_count` are read). */
    metric: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a metric name')
      .refine((m) => !/_(bucket|count|sum)$/.test(m), 'the base name, without _bucket, _count or _sum'),
    /** Label matchers inside braces, without the braces: `job="api",route!="/health"`. */
    selector: z.string().max(1024).default(''),
    /** The threshold: the exact `le` label value of one of the histogram's buckets, e.g. "0.3". */
    le: z.string().regex(/^[0-9.eE+-]+$/, 'a bucket bound such as 0.3 (as the le label spells it)'),
  }),
  z.strictObject({
    kind: z.literal('boolean'),
    /** 1 when good and 0 when bad: a gauge such as `probe_success{job="blackbox"}`, or an expression. */
    query: PromQl,
    /** Step of the subquery an expression is averaged with (time slices); a plain gauge is read as sampled. */
    resolution: z
      .string()
      .regex(/^\d+[smh]$/, 'a duration such as 1m')
      .optional(),
  }),
  z.strictObject({ kind: z.literal('pushed') }),
]);
export type Sli = z.infer<typeof Sli>;

/** The multi-window multi-burn-rate tiers of the SRE workbook; the name is the stable `burnrate_tier` label. */
export const TierName = z.enum(['page_fast', 'page_slow', 'ticket_fast', 'ticket_slow']);
export type TierName = z.infer<typeof TierName>;

export const TierOverride = z.strictObject({ enabled: z.boolean().optional(), severity: Severity.optional() });

const LabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/, 'a Prometheus label name');

export const SloSpec = z.strictObject({
  /** Defaults to `<service>-<name>`, lowercased. */
  id: SloId.optional(),
  service: Name,
  name: Name,
  description: z.string().max(2048).optional(),
  /** The target as a ratio: 0.999 for 99.9 %. */
  objective: z
    .number()
    .gt(0, 'a ratio between 0 and 1, e.g. 0.999 for 99.9 %')
    .lt(1, 'a ratio between 0 and 1, e.g. 0.999 for 99.9 %'),
  period: SloPeriod,
  sli: Sli,
  alerting: z
    .strictObject({
      tiers: z.partialRecord(TierName, TierOverride).default({}),
    })
    .default({ tiers: {} }),
  labels: z
    .record(LabelName, z.string().max(256))
    .refine((l) => Object.keys(l).length <= 20, 'at most 20 labels')
    .default({}),
  runbookUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** A tier fires only when its long window saw at least this many events. */
  minTraffic: z.number().int().min(0).default(0),
});
export type SloSpec = z.input<typeof SloSpec>;
export type ParsedSloSpec = z.output<typeof SloSpec>;

export const SloOrigin = z.enum(['native', 'openslo', 'sloth']);

export const Slo = z.object({
  ...SloSpec.shape,
  id: SloId,
  alerting: z.object({ tiers: z.partialRecord(TierName, TierOverride) }),
  labels: z.record(z.string(), z.string()),
  minTraffic: z.number(),
  tenant: z.string(),
  origin: SloOrigin,
  /** `file` objects are reconciled from files; the API refuses to edit them. */
  managedBy: z.enum(['api', 'file']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Slo = z.infer<typeof Slo>;

export const SloList = z.object({ slos: z.array(Slo) });
export const SloIdParams = z.strictObject({ id: SloId });
export const SloListQuery = z.strictObject({ service: Name.optional() });

/** `created` is false when the same id already held the same spec (a retry). */
export const SloWritten = z.object({ slo: Slo, created: z.boolean() });

// ---- pushed SLI data

export const SLI_BUCKET_MS = 60_000;

export const SliPoint = z
  .strictObject({
    /** The start of the minute the counts belong to. */
    timestamp: z.iso.datetime({ offset: true }),
    good: z.number().min(0),
    total: z.number().min(0),
  })
  .refine((p) => p.good <= p.total, { message: 'good must not exceed total', path: ['good'] })
  .refine((p) => Date.parse(p.timestamp) % SLI_BUCKET_MS === 0, {
    message: 'must be the start of a minute (counts are kept per minute)',
    path: ['timestamp'],
  });

export const SliPush = z.strictObject({
  /** Each point is the whole count of its minute: sending a minute again replaces it, never adds. */
  points: z.array(SliPoint).min(1).max(50_000),
});
export type SliPush = z.input<typeof SliPush>;

export const SliPushResult = z.object({ stored: z.number().int(), replaced: z.number().int() });

// ---- status: every figure carries its formula and inputs

export const Figure = z.object({
  value: z.number().nullable(),
  formula: z.string(),
  inputs: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});
export type Figure = z.infer<typeof Figure>;

export const SloWindowStatus = z.object({
  /** `5m`, `1h`, ... or `period`. */
  window: z.string(),
  from: z.string(),
  to: z.string(),
  good: z.number().nullable(),
  total: z.number().nullable(),
  errorRatio: Figure,
  burnRate: Figure,
  /** Where the numbers came from: pushed counts, a recorded series (named), or a raw query. */
  source: z.string(),
});
export type SloWindowStatus = z.infer<typeof SloWindowStatus>;

export const SloTierStatus = z.object({
  name: TierName,
  enabled: z.boolean(),
  severity: Severity,
  longWindow: z.string(),
  shortWindow: z.string(),
  /** Burn rate that fires the tier: budget fraction × period / long window. */
  factor: Figure,
  /** Error ratio both windows must exceed: factor × (1 − objective). */
  threshold: Figure,
  firing: z.boolean(),
  /** True when the minimum-traffic guard held the tier back. */
  guarded: z.boolean(),
  reason: z.string(),
});
export type SloTierStatus = z.infer<typeof SloTierStatus>;

export const SloStatus = z.object({
  slo: z.object({ id: z.string(), service: z.string(), name: z.string(), objective: z.number() }),
  at: z.string(),
  period: z.object({ from: z.string(), to: z.string(), lengthSeconds: z.number(), description: z.string() }),
  errorBudget: Figure,
  windows: z.array(SloWindowStatus),
  budgetRemaining: Figure,
  timeToExhaustion: Figure,
  tiers: z.array(SloTierStatus),
  exhausted: z.boolean(),
});
export type SloStatus = z.infer<typeof SloStatus>;

export const SloStatusQuery = z.strictObject({
  /** Evaluate as of this instant (default now). */
  at: z.iso.datetime({ offset: true }).optional(),
});

export const SloStatusList = z.object({ statuses: z.array(SloStatus) });

// ---- series for plots

export const SloSeriesQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    /** Seconds between points, a whole number of minutes. */
    step: z.coerce
      .number()
      .int()
      .min(60)
      .refine((s) => s % 60 === 0, 'a whole number of minutes, in seconds'),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 90 * 86_400_000, {
    message: 'at most 90 days from from',
    path: ['to'],
  })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 1000 / q.step <= 2000, {
    message: 'at most 2,000 points: widen step',
    path: ['step'],
  });

export const SloSeries = z.object({
  timestamps: z.array(z.string()),
  /** Good ratio over each step (null without traffic). */
  sli: z.array(z.number().nullable()),
  /** Burn rate per window name at each timestamp. */
  burnRate: z.record(z.string(), z.array(z.number().nullable())),
  budgetRemaining: z.array(z.number().nullable()),
});
export type SloSeries = z.infer<typeof SloSeries>;

// ---- Prometheus rules

export const PromRule = z.object({
  record: z.string().optional(),
  alert: z.string().optional(),
  expr: z.string(),
  for: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type PromRule = z.infer<typeof PromRule>;

export const PromRuleGroup = z.object({ name: z.string(), interval: z.string().optional(), rules: z.array(PromRule) });
export type PromRuleGroup = z.infer<typeof PromRuleGroup>;

export const SloRules = z.object({
  groups: z.array(PromRuleGroup),
  /** The same groups as a Prometheus rule file. */
  yaml: z.string(),
});
export type SloRules = z.infer<typeof SloRules>;

// ---- import

export const SloImport = z.strictObject({
  format: z.enum(['openslo', 'sloth']),
  /** The YAML (or JSON) document; several OpenSLO documents may be separated by `---`. */
  document: z.string().min(1).max(1_000_000),
  /** Convert and answer without storing. */
  dryRun: z.boolean().default(false),
});
export type SloImport = z.input<typeof SloImport>;

export const SloImported = z.object({ slos: z.array(Slo), specs: z.array(SloSpec) });
