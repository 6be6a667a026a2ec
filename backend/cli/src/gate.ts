/**
 * `ballast gate`: the deploy gate for CI. Exit 0 allowed, 3 denied (the reasons on stderr), 4 when
 * Ballast cannot be reached; `--on-unreachable allow|deny` turns that last case into 0 or 3, so a
 * pipeline chooses whether an outage of Ballast blocks deploys.
 */
import type { GateDecision } from '@ballast/contract';
import { Command, Option } from 'commander';
import { networkReason } from './context.js';
import { eprintln, ExitWith, println, printJson } from './io.js';
import type { CommandContext } from './options.js';

export const EXIT_DENIED = 3;
export const EXIT_UNREACHABLE = 4;

export function decisionLines(d: GateDecision): string[] {
  const head = d.allowed
    ? `allowed: ${d.service} may be deployed to ${d.environment}`
    : `denied: ${d.service} may not be deployed to ${d.environment}`;
  const lines = [head];
  for (const r of d.reasons) lines.push(`  - ${r.code}: ${r.message}`);
  if (d.override)
    lines.push(
      `  overridden by ${d.override.by.name ?? d.override.by.id} until ${d.override.expiresAt}: ${d.override.reason}`,
    );
  if (d.budgetRemaining !== undefined)
    lines.push(`  lowest error budget remaining: ${(d.budgetRemaining * 100).toFixed(1)} %`);
  return lines;
}

export function gateCommand(ctx: CommandContext): Command {
  return new Command('gate')
    .description('ask the deploy gate whether a service may be deployed now: exit 0 allowed, 3 denied, 4 unreachable')
    .requiredOption('--service <name>', 'the service to deploy')
    .requiredOption('--environment <name>', 'where, e.g. production')
    .addOption(
      new Option(
        '--on-unreachable <choice>',
        'when Ballast cannot be reached: exit 4 (default), or allow (0) or deny (3)',
      )
        .choices(['fail', 'allow', 'deny'])
        .default('fail'),
    )
    .option('--json', 'print the decision as JSON')
    .action(
      async (opts: { service: string; environment: string; onUnreachable: string; json?: boolean }, cmd: Command) => {
        const target = ctx.connect(cmd);
        let decision: GateDecision;
        try {
          decision = await target.client.call('checkDeployGate', {
            query: { service: opts.service, environment: opts.environment },
          });
        } catch (err) {
          const reason = networkReason(err);
          if (reason === undefined) throw err;
          eprintln(ctx.io, `Ballast at ${target.url} cannot be reached: ${reason}`);
          if (opts.onUnreachable === 'allow') {
            eprintln(ctx.io, 'allowing the deploy (--on-unreachable allow)');
            return;
          }
          if (opts.onUnreachable === 'deny')
            throw new ExitWith(EXIT_DENIED, 'denying the deploy (--on-unreachable deny)');
          throw new ExitWith(EXIT_UNREACHABLE);
        }
        if (opts.json) printJson(ctx.io, decision);
        const lines = decisionLines(decision);
        if (decision.allowed) {
          if (!opts.json) for (const l of lines) println(ctx.io, l);
          return;
        }
        for (const l of lines) eprintln(ctx.io, l);
        throw new ExitWith(EXIT_DENIED);
      },
    );
}
