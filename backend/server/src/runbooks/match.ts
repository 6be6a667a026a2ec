/**
 * Which runbook applies to an alert. Order: the alert's own runbook link (`runbook_url` label or
 * annotation, or a link with rel `runbook`), then alert matchers (most specific first), then runbooks
 * that list the alert's SLO, then the service's default runbook. Pure functions over an in-memory list.
 */
import type { AlertMatcher, RunbookFrontmatter, RunbookMatch } from '@ballast/contract';

export interface Indexed {
  frontmatter: RunbookFrontmatter;
}

export interface Specificity {
  exact: number;
  regex: number;
}

const regexCache = new Map<string, RegExp>();
function anchored(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`);
    if (regexCache.size > 5000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

/** Null when the matcher does not match the labels; otherwise how specific it is. */
export function matcherSpecificity(
  matcher: AlertMatcher,
  labels: Readonly<Record<string, string>>,
): Specificity | null {
  let exact = 0;
  let regex = 0;
  for (const [label, want] of Object.entries(matcher)) {
    const have = labels[label];
    if (have === undefined) return null;
    if (want.startsWith('~')) {
      if (!anchored(want.slice(1)).test(have)) return null;
      regex++;
    } else {
      if (have !== want) return null;
      exact++;
    }
  }
  return { exact, regex };
}

const compare = (a: Specificity, b: Specificity) => b.exact - a.exact || b.regex - a.regex;

/** Runbooks whose matchers match, most specific first; a tie goes to the smaller id, so the answer is stable. */
export function matchAlert<R extends Indexed>(
  runbooks: readonly R[],
  labels: Readonly<Record<string, string>>,
): { runbook: R; match: RunbookMatch }[] {
  const hits: { runbook: R; spec: Specificity; matcher: AlertMatcher }[] = [];
  for (const runbook of runbooks) {
    let best: { spec: Specificity; matcher: AlertMatcher } | undefined;
    for (const matcher of runbook.frontmatter.alerts) {
      const spec = matcherSpecificity(matcher, labels);
      if (spec && (!best || compare(spec, best.spec) < 0)) best = { spec, matcher };
    }
    if (best) hits.push({ runbook, ...best });
  }
  hits.sort((a, b) => compare(a.spec, b.spec) || (a.runbook.frontmatter.id < b.runbook.frontmatter.id ? -1 : 1));
  return hits.map((h) => ({
    runbook: h.runbook,
    match: { by: 'alert', matcher: h.matcher, exact: h.spec.exact, regex: h.spec.regex },
  }));
}

/** The id a runbook URL points at: `…/runbooks/<id>`, `…/<id>.md`, or the last path segment. */
export function idFromRunbookUrl(url: string): string | undefined {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    /* a bare id or a relative path */
  }
  const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
  const id = decodeURIComponent(last).replace(/\.md$/i, '').replace(/#.*$/, '').toLowerCase();
  return /^[a-z0-9][a-z0-9._-]*$/.test(id) ? id : undefined;
}

export interface Lookup {
  runbookUrl?: string;
  labels?: Readonly<Record<string, string>>;
  service?: string;
  environment?: string;
  /** The SLO the alert is about: runbooks listing it under `slos`. */
  sloId?: string;
  /** For an event: of the service's runbooks, only its default (`default_for_service`) applies. */
  serviceDefaultOnly?: boolean;
}

/** Every runbook that applies, in the documented order, each once. */
export function lookupRunbooks<R extends Indexed>(
  runbooks: readonly R[],
  q: Lookup,
): { runbook: R; match: RunbookMatch }[] {
  const out: { runbook: R; match: RunbookMatch }[] = [];
  const taken = new Set<string>();
  const add = (runbook: R, match: RunbookMatch) => {
    if (taken.has(runbook.frontmatter.id)) return;
    taken.add(runbook.frontmatter.id);
    out.push({ runbook, match });
  };
  if (q.runbookUrl) {
    const id = idFromRunbookUrl(q.runbookUrl);
    const hit = id === undefined ? undefined : runbooks.find((r) => r.frontmatter.id === id);
    if (hit) add(hit, { by: 'runbook_url' });
  }
  const inEnvironment = (r: R) =>
    !q.environment || r.frontmatter.environments.length === 0 || r.frontmatter.environments.includes(q.environment);
  if (q.labels && Object.keys(q.labels).length > 0) {
    const service = q.service;
    // A matcher only applies to the services its runbook names (when it names any).
    const candidates = runbooks.filter(
      (r) =>
        inEnvironment(r) &&
        (r.frontmatter.services.length === 0 || !service || r.frontmatter.services.includes(service)),
    );
    for (const hit of matchAlert(candidates, q.labels)) add(hit.runbook, hit.match);
  }
  if (q.sloId) {
    for (const r of runbooks) if (r.frontmatter.slos.includes(q.sloId) && inEnvironment(r)) add(r, { by: 'slo' });
  }
  if (q.service) {
    const forService = runbooks
      .filter(
        (r) =>
          r.frontmatter.services.includes(q.service!) &&
          inEnvironment(r) &&
          (!q.serviceDefaultOnly || r.frontmatter.default_for_service),
      )
      // The service's default first, then the rest of its runbooks by id.
      .sort(
        (a, b) =>
          Number(b.frontmatter.default_for_service) - Number(a.frontmatter.default_for_service) ||
          (a.frontmatter.id < b.frontmatter.id ? -1 : 1),
      );
    for (const r of forService) add(r, { by: 'service' });
  }
  return out;
}
