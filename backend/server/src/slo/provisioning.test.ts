/**
 * The example SLOs in provisioning/prometheus: the rule file there is what Ballast generates from the
 * SLO file beside it, and Prometheus accepts both the rules and the configuration that loads them.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readSloFiles } from './files.js';
import { buildRuleGroups, rulesYaml } from './rules.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../../provisioning/prometheus');
const generated = () => {
  const read = readSloFiles(join(dir, 'slos'));
  expect(read.problems).toEqual([]);
  return rulesYaml(read.specs.flatMap((f) => buildRuleGroups(f.spec) ?? []));
};

describe('provisioning/prometheus', () => {
  it('holds the rules generated from its SLO file (regenerate with `ballast slo rules` if this fails)', () => {
    expect(readFileSync(join(dir, 'rules/ballast-slos.yml'), 'utf8')).toBe(generated());
  });

  it('passes promtool check config, rules included', async () => {
    const { stdout } = await promisify(execFile)('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
    expect(stdout).toMatch(/SUCCESS: 1 rule files found/);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
