/** `ballast tenants create`: a new organisation and its first admin key. */
import { Command } from 'commander';
import { keySummary, secretLines } from './format.js';
import { println, printJson } from './io.js';
import type { CommandContext } from './options.js';

function createCommand(ctx: CommandContext): Command {
  return new Command('create')
    .description('create an organisation; prints its first admin key once (needs an admin key of the default tenant)')
    .argument('<id>', 'tenant id: lowercase letters, digits and -')
    .requiredOption('--name <name>', 'display name')
    .option('--json', 'print the tenant and its admin key as JSON')
    .action(async (id: string, opts: { name: string; json?: boolean }, cmd: Command) => {
      const created = await ctx.connect(cmd).client.call('createTenant', { body: { id, name: opts.name } });
      if (opts.json) return printJson(ctx.io, created);
      println(ctx.io, `Created tenant ${created.tenant.id} "${created.tenant.name}".`);
      println(ctx.io, `Its first admin key: ${keySummary(created.adminKey.key)}.`);
      for (const line of secretLines(created.adminKey.secret)) println(ctx.io, line);
    });
}

export function tenantsCommand(ctx: CommandContext): Command {
  return new Command('tenants').description('organisations on this server').addCommand(createCommand(ctx));
}
