import { describe, expect, it } from 'vitest';
import { RunbookFrontmatter, type RunbookFrontmatterInput } from '@ballast/contract';
import { idFromRunbookUrl, lookupRunbooks, matchAlert, matcherSpecificity } from './match.js';

const rb = (fm: Partial<RunbookFrontmatterInput> & { id: string }) => ({
  frontmatter: RunbookFrontmatter.parse({ title: fm.id, ...fm }),
});

describe('alert matchers', () => {
  it('counts exact and regex labels, and refuses a missing or different label', () => {
    const labels = { alertname: 'HighErrorRate', severity: 'critical', service: 'checkout' };
    expect(matcherSpecificity({ alertname: 'HighErrorRate' }, labels)).toEqual({ exact: 1, regex: 0 });
    expect(matcherSpecificity({ alertname: 'HighErrorRate', severity: '~crit.*' }, labels)).toEqual({
      exact: 1,
      regex: 1,
    });
    // Regexes are anchored, as Prometheus anchors =~.
    expect(matcherSpecificity({ severity: '~crit' }, labels)).toBeNull();
    expect(matcherSpecificity({ alertname: 'HighErrorRate', team: 'x' }, labels)).toBeNull();
    expect(matcherSpecificity({ alertname: 'Other' }, labels)).toBeNull();
  });

  it('puts the most specific match first among several candidates: exact labels, then regex labels, then id', () => {
    const runbooks = [
      rb({ id: 'generic', alerts: [{ alertname: '~High.*' }] }),
      rb({ id: 'by-name', alerts: [{ alertname: 'HighErrorRate' }] }),
      rb({ id: 'name-and-severity', alerts: [{ alertname: 'HighErrorRate', severity: 'critical' }] }),
      rb({ id: 'name-and-regex', alerts: [{ alertname: 'HighErrorRate', service: '~check.*' }] }),
      rb({ id: 'a-same-as-by-name', alerts: [{ alertname: 'HighErrorRate' }] }),
      rb({ id: 'no-match', alerts: [{ alertname: 'HighErrorRate', severity: 'warning' }] }),
    ];
    const hits = matchAlert(runbooks, { alertname: 'HighErrorRate', severity: 'critical', service: 'checkout' });
    expect(hits.map((h) => h.runbook.frontmatter.id)).toEqual([
      'name-and-severity',
      'name-and-regex',
      'a-same-as-by-name',
      'by-name',
      'generic',
    ]);
    expect(hits[0]!.match).toEqual({
      by: 'alert',
      matcher: { alertname: 'HighErrorRate', severity: 'critical' },
      exact: 2,
      regex: 0,
    });
  });

  it('orders a lookup: the explicit runbook link, then matchers, then the SLO, then the service default', () => {
    const runbooks = [
      rb({ id: 'for-slo', slos: ['checkout-availability'] }),
      rb({ id: 'svc-default', services: ['checkout'], default_for_service: true }),
      rb({ id: 'svc-other', services: ['checkout'] }),
      rb({ id: 'by-alert', alerts: [{ alertname: 'HighErrorRate' }] }),
      rb({ id: 'linked' }),
      rb({ id: 'other-service-alert', services: ['search'], alerts: [{ alertname: 'HighErrorRate' }] }),
    ];
    const all = lookupRunbooks(runbooks, {
      runbookUrl: 'https://wiki.example.com/runbooks/linked',
      labels: { alertname: 'HighErrorRate' },
      service: 'checkout',
      sloId: 'checkout-availability',
    });
    expect(all.map((h) => [h.runbook.frontmatter.id, h.match.by])).toEqual([
      ['linked', 'runbook_url'],
      ['by-alert', 'alert'],
      ['for-slo', 'slo'],
      ['svc-default', 'service'],
      ['svc-other', 'service'],
    ]);
    const forEvent = lookupRunbooks(runbooks, { service: 'checkout', serviceDefaultOnly: true });
    expect(forEvent.map((h) => h.runbook.frontmatter.id)).toEqual(['svc-default']);
  });

  it('reads the runbook id from the usual runbook URL shapes', () => {
    expect(idFromRunbookUrl('https://ballast.example.com/v1/runbooks/slo-fast-burn')).toBe('slo-fast-burn');
    expect(idFromRunbookUrl('https://github.com/acme/ops/blob/main/runbooks/error-rate-spike.md')).toBe(
      'error-rate-spike',
    );
    expect(idFromRunbookUrl('error-rate-spike')).toBe('error-rate-spike');
    expect(idFromRunbookUrl('https://wiki.example.com/pages/viewpage.action?pageId=1')).toBe('viewpage.action');
    expect(idFromRunbookUrl('https://wiki.example.com/Runbook%20Space/')).toBeUndefined();
  });
});
