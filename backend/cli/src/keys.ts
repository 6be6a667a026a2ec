/** `ballast keys create | list | revoke` and `ballast whoami`. */
import type { KeyCreate } from '@ballast/contract';
import { Command } from 'commander';
import { keyState, keySummary, secretLines, table } from './format.js';
import { println, printJson } from './io.js';
import { collect, integer, type CommandContext } from './options.js';

interface CreateOptions {
  name: string;
  role: string;
  service?: string[];
  expiresInDays?: number;
  kind?: string;
  json?: boolean;
}

function createCommand(ctx: CommandContext): Command {
  return new Command('create')
    .description('create an API key; its secret is printed once')
    .requiredOption('--name <name>', 'what the key is for, e.g. ci-deploy')
    .requiredOption('--role <role>', 'viewer, ci, catalog, operator, approver or admin')
    .option(
      '--service <glob>',
      'services the key may act on, e.g. checkout or payments-* (repeatable; default *)',
      collect,
    )
    .option('--expires-in-days <n>', 'expire the key after this many days (default: never)', integer)
    .option(
      '--kind <kind>',
      'standard, grafana-proxy for the Grafana plugin, or backstage for the Backstage plugin (default: standard)',
    )
    .option('--json', 'print the key and its secret as JSON')
    .action(async (opts: CreateOptions, cmd: Command) => {
      // Role and kind are the server's to check, so its message names the allowed values.
      const body = {
        name: opts.name,
        role: opts.role,
        ...(opts.kind !== undefined && { kind: opts.kind }),
        ...(opts.service && { services: opts.service }),
        ...(opts.expiresInDays !== undefined && { expiresInDays: opts.expiresInDays }),
      } as KeyCreate;
      const created = await ctx.connect(cmd).client.call('createKey', { body });
      if (opts.json) return printJson(ctx.io, created);
      println(ctx.io, `Created key ${keySummary(created.key)}, ${keyState(created.key, ctx.io.now())}.`);
      for (const line of secretLines(created.secret)) println(ctx.io, line);
    });
}

function listCommand(ctx: CommandContext): Command {
  return new Command('list')
    .description("the tenant's API keys (never their secrets)")
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const list = await ctx.connect(cmd).client.call('listKeys', {});
      if (opts.json) return printJson(ctx.io, list);
      const now = ctx.io.now();
      const rows = [
        ['ID', 'NAME', 'ROLE', 'KIND', 'SERVICES', 'PREFIX', 'CREATED', 'STATE'],
        ...list.keys.map((k) => [
          k.id,
          k.name,
          k.role,
          k.kind,
          k.services.join(','),
          k.prefix,
          k.createdAt,
          keyState(k, now),
        ]),
      ];
      for (const line of table(rows)) println(ctx.io, line);
    });
}

function revokeCommand(ctx: CommandContext): Command {
  return new Command('revoke')
    .description('revoke an API key at once')
    .argument('<id>', 'the key id (see keys list)')
    .option('--json', 'print the revoked key as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const key = await ctx.connect(cmd).client.call('revokeKey', { params: { id } });
      if (opts.json) return printJson(ctx.io, key);
      println(ctx.io, `Revoked key ${keySummary(key)} at ${key.revokedAt}.`);
    });
}

export function keysCommand(ctx: CommandContext): Command {
  return new Command('keys')
    .description('API keys of your tenant (needs an admin key)')
    .addCommand(createCommand(ctx))
    .addCommand(listCommand(ctx))
    .addCommand(revokeCommand(ctx));
}

export function whoamiCommand(ctx: CommandContext): Command {
  return new Command('whoami')
    .description('the key in use: its tenant, role, services and permissions')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const target = ctx.connect(cmd);
      const me = await target.client.call('whoAmI', {});
      if (opts.json) return printJson(ctx.io, me);
      const rows = [
        ['server', target.url],
        ['tenant', me.tenant],
        ['key', keySummary(me.key)],
        ['state', keyState(me.key, ctx.io.now())],
        ['permissions', me.key.permissions.join(', ')],
      ];
      for (const line of table(rows)) println(ctx.io, line);
    });
}
