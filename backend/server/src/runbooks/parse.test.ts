import { describe, expect, it } from 'vitest';
import { parseRunbook } from './parse.js';

const body = `
# Title

## Meaning
m

## Impact
i

## Diagnosis
d

## Mitigation
x
`;

const file = (frontmatter: string, markdown = body) => `---\n${frontmatter}\n---\n${markdown}`;

describe('parseRunbook', () => {
  it('reads a good runbook with defaults filled in', () => {
    const out = parseRunbook(
      file(`id: disk-full
title: Disk full
services: [checkout]
alerts:
  - alertname: DiskFull
    severity: '~critical|warning'
last_reviewed: 2026-01-31
review_every: 90d`),
      'runbooks/disk-full.md',
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.runbook.frontmatter).toMatchObject({
      id: 'disk-full',
      title: 'Disk full',
      services: ['checkout'],
      alerts: [{ alertname: 'DiskFull', severity: '~critical|warning' }],
      environments: [],
      tags: [],
      last_reviewed: '2026-01-31',
      default_for_service: false,
    });
    expect(out.runbook.markdown).toContain('## Mitigation');
  });

  it('names the file and the field of each bad value, and every missing section', () => {
    const out = parseRunbook(
      file(
        `id: Bad Id
title: ''
alerts:
  - alertname: X
    'bad-label': y
  - severity: '~(unclosed'
last_reviewed: 2026-02-30
review_every: soon
owner_team: typo`,
        '## Meaning\nonly this\n\n```\n## Mitigation inside a code block does not count\n```\n',
      ),
      'runbooks/bad.md',
    );
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const fields = out.problems.map((p) => p.field).sort();
    expect(fields).toEqual(
      [
        '',
        'alerts.0.bad-label',
        'alerts.1.severity',
        'id',
        'last_reviewed',
        'review_every',
        'sections.Diagnosis',
        'sections.Impact',
        'sections.Mitigation',
        'title',
      ]
        .map((f) => f || 'frontmatter')
        .sort(),
    );
    expect(out.problems.every((p) => p.path === 'runbooks/bad.md')).toBe(true);
    expect(out.problems.find((p) => p.field === 'frontmatter')!.message).toContain('owner_team');
    expect(out.problems.find((p) => p.field === 'sections.Impact')!.message).toBe(
      'missing section: add a "## Impact" heading',
    );
  });

  it('refuses a file without frontmatter or with broken YAML, saying which', () => {
    const none = parseRunbook(body, 'a.md');
    expect(none).toEqual({
      ok: false,
      problems: [
        { path: 'a.md', field: 'frontmatter', message: expect.stringContaining('must start with a --- line') },
      ],
    });
    const broken = parseRunbook(file('id: [unclosed'), 'b.md');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]!.message).toMatch(/^not valid YAML/);
  });
});
