/**
 * `ballast stabilize request | approve | reject | exit | extend | retry | status`: stabilize mode from scripts.
 * Every command prints the stabilize as it stands afterwards (or JSON with --json).
 */
import type { Stabilize } from '@ballast/contract';
import { Command } from 'commander';
import { println, printJson, type Io } from './io.js';
import { integer, type CommandContext } from './options.js';

const who = (a: Stabilize['requestedBy']) => a.email ?? a.name ?? a.id;

export function stabilizeLines(s: Stabilize, now: Date): string[] {
  const lines = [`${s.id}  ${s.service} in ${s.environment}: ${s.state}${s.breakGlass ? ' (break-glass)' : ''}`];
  lines.push(`  reason: ${s.reason}`);
  lines.push(`  requested by ${who(s.requestedBy)} at ${s.requestedAt}`);
  if (s.state === 'requested') lines.push(`  waiting for approval by another person until ${s.requestExpiresAt}`);
  if (s.approvedBy) lines.push(`  approved by ${who(s.approvedBy)} at ${s.approvedAt}`);
  if (s.state === 'active' && s.expiresAt) {
    const left = Math.max(0, Math.round((Date.parse(s.expiresAt) - now.getTime()) / 60_000));
    lines.push(`  active until ${s.expiresAt} (${left} min left)`);
  }
  if (s.pendingExtension)
    lines.push(`  extension by ${s.pendingExtension.minutes} min waiting for approval: ${s.pendingExtension.reason}`);
  if (s.reviewRequired) lines.push('  break-glass: waiting for review by a person with stabilize:approve');
  if (s.endedAt) lines.push(`  ended at ${s.endedAt}${s.endReason ? `: ${s.endReason}` : ''}`);
  lines.push(`  profile: ${s.profile ? `version ${s.profile.version}` : 'none (deploy freeze only)'}`);
  if (s.state === 'exiting') lines.push('  exiting: services run normally; waiting for actuators to revert');
  if (s.delivery) {
    lines.push(`  delivery: ${s.delivery.status}`);
    for (const a of s.delivery.actuations) {
      const next = a.nextAttemptAt && a.status !== 'done' ? `, next attempt ${a.nextAttemptAt}` : '';
      const err = a.lastError ? ` (last error: ${a.lastError})` : '';
      lines.push(`    ${a.actuator}: wants ${a.desired}, is ${a.actual}, ${a.status}${next}${err}`);
      for (const l of a.leftAlone ?? []) lines.push(`      left alone: ${l.key} (${l.reason})`);
    }
    if (s.delivery.actuations.some((a) => a.status === 'failed'))
      lines.push(`  retry with: ballast stabilize retry ${s.id}`);
  }
  return lines;
}

function show(io: Io, s: Stabilize, json: boolean | undefined) {
  if (json) printJson(io, s);
  else for (const l of stabilizeLines(s, io.now())) println(io, l);
}

export function stabilizeCommand(ctx: CommandContext): Command {
  const client = (cmd: Command) => ctx.connect(cmd).client;
  const cmd = new Command('stabilize').description(
    'stabilize mode: ask to enter, approve or reject, extend, exit, and see what is stabilized',
  );
  cmd.addCommand(
    new Command('request')
      .description('ask to enter stabilize for a scope (active at once, or waiting for approval where policy says)')
      .requiredOption('--service <name>', 'the service')
      .requiredOption('--environment <name>', 'the environment')
      .requiredOption('--reason <text>', 'why, for the people approving and the timeline')
      .option('--ttl <minutes>', 'how long (default and maximum from the environment policy)', integer)
      .option('--incident <id-or-url>', 'the incident it is for (required with --break-glass)')
      .option('--break-glass', 'enter at once without approval (needs stabilize:breakglass)')
      .option('--json', 'print the stabilize as JSON')
      .action(async (o, c: Command) => {
        const s = await client(c).call('requestStabilize', {
          body: {
            service: o.service,
            environment: o.environment,
            reason: o.reason,
            ...(o.ttl !== undefined && { ttlMinutes: o.ttl }),
            ...(o.incident !== undefined && { incident: o.incident }),
            breakGlass: Boolean(o.breakGlass),
          },
        });
        show(ctx.io, s, o.json);
      }),
  );
  cmd.addCommand(
    new Command('approve')
      .description('approve a waiting request or extension, or review a break-glass entry (not your own)')
      .argument('<id>', 'the stabilize id (stb_…)')
      .option('--comment <text>', 'a note for the timeline')
      .option('--json', 'print the stabilize as JSON')
      .action(async (id: string, o, c: Command) => {
        const s = await client(c).call('approveStabilize', {
          params: { id },
          body: o.comment !== undefined ? { comment: o.comment } : {},
        });
        show(ctx.io, s, o.json);
      }),
  );
  cmd.addCommand(
    new Command('reject')
      .description('turn down a waiting request or extension')
      .argument('<id>', 'the stabilize id (stb_…)')
      .requiredOption('--reason <text>', 'why')
      .option('--json', 'print the stabilize as JSON')
      .action(async (id: string, o, c: Command) => {
        show(ctx.io, await client(c).call('rejectStabilize', { params: { id }, body: { reason: o.reason } }), o.json);
      }),
  );
  cmd.addCommand(
    new Command('exit')
      .description('leave stabilize (or withdraw a waiting request) for a scope')
      .requiredOption('--service <name>', 'the service')
      .requiredOption('--environment <name>', 'the environment')
      .requiredOption('--reason <text>', 'why now')
      .option('--json', 'print the stabilize as JSON')
      .action(async (o, c: Command) => {
        const s = await client(c).call('exitStabilize', {
          params: { service: o.service, environment: o.environment },
          body: { reason: o.reason },
        });
        show(ctx.io, s, o.json);
      }),
  );
  cmd.addCommand(
    new Command('extend')
      .description('add time to an active stabilize (approved like entering where policy says)')
      .requiredOption('--service <name>', 'the service')
      .requiredOption('--environment <name>', 'the environment')
      .requiredOption('--minutes <n>', 'how much longer', integer)
      .requiredOption('--reason <text>', 'why')
      .option('--json', 'print the stabilize as JSON')
      .action(async (o, c: Command) => {
        const s = await client(c).call('extendStabilize', {
          params: { service: o.service, environment: o.environment },
          body: { minutes: o.minutes, reason: o.reason },
        });
        show(ctx.io, s, o.json);
      }),
  );
  cmd.addCommand(
    new Command('retry')
      .description('try again now what an actuator failed to apply or revert')
      .argument('<id>', 'the stabilize id (stb_…)')
      .option('--actuator <name>', 'only this actuator (e.g. unleash:production)')
      .option('--json', 'print the stabilize as JSON')
      .action(async (id: string, o, c: Command) => {
        const s = await client(c).call('retryStabilizeDelivery', {
          params: { id },
          body: o.actuator !== undefined ? { actuator: o.actuator } : {},
        });
        show(ctx.io, s, o.json);
      }),
  );
  cmd.addCommand(
    new Command('status')
      .description('what is stabilized or waiting for approval now')
      .option('--service <name>', 'only this service')
      .option('--environment <name>', 'only this environment')
      .option('--json', 'print the list as JSON')
      .action(async (o, c: Command) => {
        const { stabilizes } = await client(c).call('listStabilizes', {
          query: {
            ...(o.service && { service: o.service }),
            ...(o.environment && { environment: o.environment }),
          },
        });
        if (o.json) return printJson(ctx.io, stabilizes);
        if (stabilizes.length === 0) return println(ctx.io, 'nothing is stabilized or waiting for approval');
        for (const s of stabilizes) for (const l of stabilizeLines(s, ctx.io.now())) println(ctx.io, l);
      }),
  );
  return cmd;
}
