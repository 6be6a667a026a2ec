import { z } from 'zod';
import { ServiceName, Severity } from './event.js';

const Slug = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, . _ - only, starting with a letter or digit');

const Name = ServiceName;

const LabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)');

/**
 * One alert matcher: every label listed must match. A value is an exact match, or, written `~regex`, a
 * regular expression over the whole label value (as Prometheus anchors `=~`). The most specific
 * matching matcher wins: more exact labels first, then more regex labels (docs/runbooks.md).
 */
export const AlertMatcher = z
  .record(LabelName, z.string().min(1).max(256))
  .refine((m) => Object.keys(m).length > 0, 'a matcher names at least one label')
  .superRefine((m, ctx) => {
    for (const [label, value] of Object.entries(m)) {
      if (!value.startsWith('~')) continue;
      try {
        new RegExp(`^(?:${value.slice(1)})$`);
      } catch {
        ctx.addIssue({ code: 'custom', path: [label], message: `not a valid regular expression: ${value.slice(1)}` });
      }
    }
  });
export type AlertMatcher = z.infer<typeof AlertMatcher>;

/** `90d`, `12w`, `6mo`, `1y`: how often a runbook should be reviewed. */
export const ReviewInterval = z.string().regex(/^[1-9]\d{0,3}(d|w|mo|y)$/, 'a duration such as 90d, 12w, 6mo or 1y');

const DateOnly = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-01-31')
  .refine((d) => {
    const t = new Date(d + 'T00:00:00Z');
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'not a real date');

const Dashboard = z.strictObject({
  title: z.string().min(1).max(256),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
});

/** A runbook's YAML frontmatter. Unknown keys are refused so a typo is found, not ignored. */
export const RunbookFrontmatter = z.strictObject({
  id: Slug,
  title: z.string().trim().min(1).max(200),
  services: z.array(Name).max(100).default([]),
  environments: z.array(Name).max(50).default([]),
  alerts: z.array(AlertMatcher).max(100).default([]),
  slos: z.array(z.string().min(1).max(128)).max(100).default([]),
  severity: Severity.optional(),
  /** A group reference, e.g. `group:default/payments`. */
  owner: z.string().min(1).max(256).optional(),
  escalation: z.string().min(1).max(1000).optional(),
  stabilize_profile: z.string().min(1).max(128).optional(),
  dashboards: z.array(Dashboard).max(50).default([]),
  last_reviewed: DateOnly.optional(),
  review_every: ReviewInterval.optional(),
  tags: z.array(z.string().min(1).max(64)).max(50).default([]),
  /** This runbook is the service's default: shown for its alerts when no matcher matches. */
  default_for_service: z.boolean().default(false),
});
export type RunbookFrontmatter = z.output<typeof RunbookFrontmatter>;
export type RunbookFrontmatterInput = z.input<typeof RunbookFrontmatter>;

/** The sections every runbook has, as `##` headings, in any order. */
export const RUNBOOK_SECTIONS = ['Meaning', 'Impact', 'Diagnosis', 'Mitigation'] as const;

export const RunbookManagedBy = z.enum(['file', 'api']);

/** Why a runbook was returned for a lookup, in the order lookups are tried. */
export const RunbookMatch = z.object({
  by: z.enum(['runbook_url', 'alert', 'slo', 'service', 'text']),
  /** For `alert`: the matcher that matched, and its specificity (exact labels, regex labels). */
  matcher: AlertMatcher.optional(),
  exact: z.number().int().optional(),
  regex: z.number().int().optional(),
});
export type RunbookMatch = z.infer<typeof RunbookMatch>;

export const RunbookSummary = z.object({
  id: z.string(),
  title: z.string(),
  services: z.array(z.string()),
  severity: Severity.optional(),
  owner: z.string().optional(),
  tags: z.array(z.string()),
  managedBy: RunbookManagedBy,
  /** The file it was read from, relative to its runbooks folder (file runbooks only). */
  path: z.string().optional(),
  /** `last_reviewed + review_every` has passed. */
  stale: z.boolean(),
  /** When the next review is due (`last_reviewed + review_every`), if both are set. */
  reviewDue: z.string().optional(),
  updatedAt: z.string(),
  /** Present on lookups: how this runbook was found. */
  match: RunbookMatch.optional(),
});
export type RunbookSummary = z.infer<typeof RunbookSummary>;

export const Runbook = RunbookSummary.extend({
  frontmatter: RunbookFrontmatter,
  /** The body after the frontmatter, as written. */
  markdown: z.string(),
  /** The body rendered to HTML and sanitized: safe to insert into a page. */
  html: z.string(),
});
export type Runbook = z.infer<typeof Runbook>;

/** A runbook file that could not be loaded: the rest still load. */
export const RunbookProblem = z.object({
  path: z.string(),
  /** The frontmatter field at fault (`alerts.0.severity`), `frontmatter`, or `sections.Mitigation`. */
  field: z.string(),
  message: z.string(),
});
export type RunbookProblem = z.infer<typeof RunbookProblem>;

export const RunbookList = z.object({
  runbooks: z.array(RunbookSummary),
  /** Files in the runbook folders that were skipped, and why. */
  problems: z.array(RunbookProblem),
});
export type RunbookList = z.infer<typeof RunbookList>;

/**
 * `?service=&q=&runbook_url=&slo=&alert.<label>=`. With alert labels, a runbook URL, an SLO or a service,
 * the answer is the lookup in its documented order (explicit link, matchers, SLO, the service's default);
 * `q` searches title, tags and text; with nothing, every runbook.
 */
export const RunbookListQuery = z
  .object({
    service: Name.optional(),
    q: z.string().trim().min(1).max(256).optional(),
    runbook_url: z.string().min(1).max(2048).optional(),
    /** An SLO id: runbooks that list it under `slos`. */
    slo: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .catchall(z.string().max(256))
  .superRefine((q, ctx) => {
    for (const key of Object.keys(q)) {
      if (['service', 'q', 'runbook_url', 'slo', 'limit'].includes(key)) continue;
      if (!/^alert\.[a-zA-Z_][a-zA-Z0-9_]*$/.test(key))
        ctx.addIssue({ code: 'custom', path: [key], message: 'unknown parameter; alert labels go as alert.<label>=' });
    }
  })
  .transform((q) => {
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(q)) if (key.startsWith('alert.')) labels[key.slice(6)] = String(value);
    return {
      service: q.service as string | undefined,
      q: q.q as string | undefined,
      runbookUrl: q.runbook_url as string | undefined,
      slo: q.slo as string | undefined,
      limit: q.limit as number,
      labels,
    };
  });
export type RunbookListQueryInput = {
  service?: string;
  q?: string;
  runbook_url?: string;
  slo?: string;
  limit?: number;
  [alertLabel: `alert.${string}`]: string;
};

export const RunbookIdParams = z.strictObject({ id: Slug });

/** A runbook registered through the API: the frontmatter's `id` must equal the path's. */
export const RunbookPut = z.strictObject({
  frontmatter: RunbookFrontmatter,
  markdown: z
    .string()
    .min(1)
    .max(256 * 1024),
});
export type RunbookPut = z.input<typeof RunbookPut>;

/** The link rel under which events carry their runbook when read (resolved at read time). */
export const RUNBOOK_LINK_REL = 'runbook';
