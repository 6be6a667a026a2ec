/**
 * `ballast runbooks lint <dir>` checks runbook files the way the server reads them (no server needed);
 * `ballast runbooks find` asks the server which runbooks apply to a service or an alert.
 */
import { existsSync, statSync } from 'node:fs';
import type { RunbookListQueryInput } from '@ballast/contract';
import { readRunbookFolders } from '@ballast/server';
import { Command } from 'commander';
import { splitPair } from './eventInput.js';
import { table } from './format.js';
import { CommandFailed, printJson, println, UsageError, eprintln } from './io.js';
import { collect, type CommandContext } from './options.js';

function lintCommand(ctx: CommandContext): Command {
  return new Command('lint')
    .description('check runbook files: frontmatter fields and the Meaning, Impact, Diagnosis, Mitigation sections')
    .argument('<dir...>', 'runbook folders (every *.md below them except README.md)')
    .option('--json', 'print the runbooks found and the problems as JSON')
    .action((dirs: string[], opts: { json?: boolean }) => {
      for (const dir of dirs) {
        if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a folder`);
      }
      const read = readRunbookFolders(dirs);
      if (opts.json) {
        printJson(ctx.io, {
          runbooks: read.runbooks.map((r) => ({ id: r.frontmatter.id, path: r.path })),
          problems: read.problems,
        });
      } else {
        for (const p of read.problems) eprintln(ctx.io, `${p.path}: ${p.field}: ${p.message}`);
        const files = new Set(read.problems.map((p) => p.path)).size;
        println(
          ctx.io,
          `${read.runbooks.length} runbook${read.runbooks.length === 1 ? '' : 's'} ok` +
            (files > 0 ? `, ${files} file${files === 1 ? '' : 's'} with problems` : ''),
        );
      }
      if (read.problems.length > 0) throw new CommandFailed('');
    });
}

interface FindOptions {
  service?: string;
  alert?: string[];
  runbookUrl?: string;
  slo?: string;
  text?: string;
  json?: boolean;
}

function findCommand(ctx: CommandContext): Command {
  return new Command('find')
    .description('runbooks that apply: by service, alert labels (most specific matcher first), runbook URL or text')
    .option('--service <name>', 'the service (its runbooks, its default first)')
    .option('--alert <label=value>', 'an alert label (repeatable), e.g. --alert alertname=HighErrorRate', collect)
    .option('--runbook-url <url>', "the alert's runbook_url annotation")
    .option('--slo <id>', 'an SLO id (runbooks that list it under slos)')
    .option('--text <words>', 'full-text search over title, tags and body')
    .option('--json', 'print the answer as JSON')
    .action(async (opts: FindOptions, cmd: Command) => {
      const query: RunbookListQueryInput = {
        ...(opts.service !== undefined && { service: opts.service }),
        ...(opts.runbookUrl !== undefined && { runbook_url: opts.runbookUrl }),
        ...(opts.text !== undefined && { q: opts.text }),
        ...(opts.slo !== undefined && { slo: opts.slo }),
      };
      for (const pair of opts.alert ?? []) {
        const [label, value] = splitPair(pair, '--alert', 'label=value');
        query[`alert.${label}`] = value;
      }
      if (Object.keys(query).length === 0)
        throw new UsageError('give --service, --alert, --runbook-url, --slo or --text');
      const { client } = ctx.connect(cmd);
      const answer = await client.call('listRunbooks', { query: query as never });
      if (opts.json) return printJson(ctx.io, answer);
      if (answer.runbooks.length === 0) {
        println(ctx.io, 'No runbook applies.');
        return;
      }
      const why = (m: (typeof answer.runbooks)[number]['match']) =>
        !m
          ? ''
          : m.by === 'alert'
            ? `alert ${Object.entries(m.matcher ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(',')}`
            : m.by;
      for (const line of table(answer.runbooks.map((r) => [r.id, why(r.match), r.stale ? 'stale' : '', r.title])))
        println(ctx.io, line);
    });
}

export function runbooksCommand(ctx: CommandContext): Command {
  return new Command('runbooks')
    .description('runbooks: lint files, find the one for an alert')
    .addCommand(lintCommand(ctx))
    .addCommand(findCommand(ctx));
}
