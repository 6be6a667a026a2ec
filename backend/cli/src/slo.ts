/**
 * `ballast slo apply | list | status | rules`: SLO definitions from JSON files, their status with the
 * working, and the Prometheus rules generated from them (for a rules directory or a ConfigMap).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { PromRuleGroup, SloSpec, SloStatus } from '@ballast/contract';
import { Command } from 'commander';
import { table } from './format.js';
import { println, printJson, UsageError, type Io } from './io.js';
import type { CommandContext } from './options.js';

async function readSpecs(io: Io, file: string): Promise<SloSpec[]> {
  const text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) throw new UsageError(`cannot read ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${file}: not JSON (${(err as Error).message}); for OpenSLO or Sloth YAML use ballast slo import`,
    );
  }
  if (Array.isArray(parsed)) return parsed as SloSpec[];
  if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { slos?: unknown }).slos))
    return (parsed as { slos: SloSpec[] }).slos;
  return [parsed as SloSpec];
}

const pct = (v: number | null, digits = 2) => (v === null ? '-' : `${(v * 100).toFixed(digits)}%`);
const num = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(4))));

/** The status as a person reads it: budget, each window, each tier and why. */
export function statusLines(s: SloStatus): string[] {
  const lines = [
    `${s.slo.id}: ${pct(s.slo.objective, 3)} ${s.slo.name} of ${s.slo.service}, ${s.period.description}, at ${s.at}`,
    `  budget remaining ${pct(s.budgetRemaining.value)} (1 − e(period) ${num(s.budgetRemaining.inputs.periodErrorRatio as number | null)} / budget ${num(s.errorBudget.value)})` +
      (s.exhausted ? '  EXHAUSTED' : ''),
    `  time to exhaustion ${s.timeToExhaustion.value === null ? 'not burning' : `${Math.round(s.timeToExhaustion.value / 3600)}h`}`,
    '',
    ...table([
      ['WINDOW', 'GOOD', 'TOTAL', 'ERROR RATIO', 'BURN RATE'],
      ...s.windows.map((w) => [
        w.window,
        w.good === null ? '-' : String(w.good),
        w.total === null ? '-' : String(w.total),
        num(w.errorRatio.value),
        num(w.burnRate.value),
      ]),
    ]).map((l) => '  ' + l),
    '',
    ...table([
      ['TIER', 'WINDOWS', 'FACTOR', 'SEVERITY', 'STATE', 'WHY'],
      ...s.tiers.map((t) => [
        t.name,
        `${t.longWindow}/${t.shortWindow}`,
        `${t.factor.value}x`,
        t.severity,
        t.firing ? 'FIRING' : t.enabled ? 'ok' : 'off',
        t.reason,
      ]),
    ]).map((l) => '  ' + l),
  ];
  return lines;
}

export function sloCommand(ctx: CommandContext): Command {
  const slo = new Command('slo').description('SLOs: apply definitions, read status, generate Prometheus rules');

  slo
    .command('apply')
    .description('create or replace SLOs from a JSON file (one spec, an array, or { "slos": [...] })')
    .requiredOption('--file <path>', 'the JSON file; - reads standard input')
    .option('--json', 'print the written SLOs as JSON')
    .action(async (opts: { file: string; json?: boolean }, cmd: Command) => {
      const specs = await readSpecs(ctx.io, opts.file);
      const client = ctx.connect(cmd).client;
      const written = [];
      for (const spec of specs) {
        const id = spec.id;
        const existing = id ? await client.call('getSlo', { params: { id } }).catch(() => undefined) : undefined;
        const w = existing
          ? await client.call('updateSlo', { params: { id: id! }, body: spec })
          : await client.call('createSlo', { body: spec });
        written.push(w);
        const state = w.created
          ? 'created'
          : existing && w.slo.updatedAt !== existing.updatedAt
            ? 'updated'
            : 'unchanged';
        if (!opts.json) println(ctx.io, `${state} ${w.slo.id}`);
      }
      if (opts.json) printJson(ctx.io, { slos: written.map((w) => w.slo) });
    });

  slo
    .command('import')
    .description('create or replace SLOs from OpenSLO v1 or Sloth prometheus/v1 YAML; refusals name each field')
    .requiredOption('--format <format>', 'openslo or sloth')
    .requiredOption('--file <path>', 'the YAML file; - reads standard input')
    .option('--dry-run', 'print the converted native specs without storing them')
    .option('--json', 'print the answer as JSON')
    .action(async (opts: { format: string; file: string; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const document =
        opts.file === '-' ? await ctx.io.readStdin() : await readFile(opts.file, 'utf8').catch(() => undefined);
      if (document === undefined) throw new UsageError(`cannot read ${opts.file}`);
      const res = await ctx.connect(cmd).client.call('importSlos', {
        body: { format: opts.format as 'openslo', document, dryRun: Boolean(opts.dryRun) },
      });
      if (opts.json || opts.dryRun) return printJson(ctx.io, opts.dryRun ? { specs: res.specs } : res);
      for (const s of res.slos) println(ctx.io, `imported ${s.id}`);
    });

  slo
    .command('list')
    .description("the tenant's SLOs")
    .option('--service <service>', 'only this service')
    .option('--json', 'print as JSON')
    .action(async (opts: { service?: string; json?: boolean }, cmd: Command) => {
      const { slos } = await ctx
        .connect(cmd)
        .client.call('listSlos', { query: opts.service ? { service: opts.service } : {} });
      if (opts.json) return printJson(ctx.io, { slos });
      if (slos.length === 0) return println(ctx.io, 'no SLOs yet; create one with: ballast slo apply --file slo.json');
      const rows = [['ID', 'SERVICE', 'OBJECTIVE', 'PERIOD', 'SLI', 'MANAGED BY']];
      for (const s of slos)
        rows.push([
          s.id,
          s.service,
          pct(s.objective, 3),
          s.period.kind === 'rolling' ? s.period.window : `month (${s.period.timeZone})`,
          s.sli.kind,
          s.managedBy,
        ]);
      for (const line of table(rows)) println(ctx.io, line);
    });

  slo
    .command('status')
    .description('error budget, burn rate per window and which tiers fire, with the numbers behind them')
    .argument('<id>', 'the SLO id')
    .option('--at <time>', 'evaluate at this ISO time instead of now')
    .option('--json', 'print the full status (every figure with its formula and inputs) as JSON')
    .action(async (id: string, opts: { at?: string; json?: boolean }, cmd: Command) => {
      const s = await ctx
        .connect(cmd)
        .client.call('sloStatus', { params: { id }, query: opts.at ? { at: opts.at } : {} });
      if (opts.json) return printJson(ctx.io, s);
      for (const line of statusLines(s)) println(ctx.io, line);
    });

  slo
    .command('rules')
    .description('Prometheus recording and multi-window burn-rate alert rules for SLOs read from Prometheus')
    .argument('[ids...]', 'SLO ids (default: every SLO whose SLI Prometheus evaluates)')
    .option('--output <file>', 'write the rule file here instead of standard output')
    .action(async (ids: string[], opts: { output?: string }, cmd: Command) => {
      const client = ctx.connect(cmd).client;
      let text: string;
      if (ids.length === 1) {
        text = (await client.call('sloRules', { params: { id: ids[0]! } })).yaml;
      } else {
        const chosen = ids.length
          ? ids
          : (await client.call('listSlos', {})).slos.filter((s) => s.sli.kind !== 'pushed').map((s) => s.id);
        const groups: PromRuleGroup[] = [];
        for (const id of chosen) groups.push(...(await client.call('sloRules', { params: { id } })).groups);
        // JSON is YAML: Prometheus reads it as a rule file as it is.
        text = JSON.stringify({ groups }, null, 2) + '\n';
      }
      if (opts.output) {
        await writeFile(opts.output, text);
        println(ctx.io, `wrote ${opts.output}`);
      } else ctx.io.stdout(text);
    });

  return slo;
}
