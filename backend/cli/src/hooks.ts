/**
 * `ballast hooks create | list | rotate | delete`: webhooks senders (GitHub, Sentry, ...) deliver to.
 * What a person needs from them is the full URL to paste into the sender and the secret, once.
 */
import type { Hook, HookCreate, HookCreated } from '@ballast/contract';
import { Command } from 'commander';
import { splitPair } from './eventInput.js';
import { secretLines, table } from './format.js';
import { println, printJson, type Io } from './io.js';
import { collect, integer, type CommandContext } from './options.js';
import { formatDuration } from './time.js';

type HookOptionValue = string | boolean | number;

/** `--option k=v`: `true`/`false` and plain numbers are sent as such, anything else as text. */
export function hookOptions(pairs: string[]): Record<string, HookOptionValue> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const [key, value] = splitPair(pair, '--option', 'name=value');
      const typed: HookOptionValue =
        value === 'true' ? true : value === 'false' ? false : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      return [key, typed];
    }),
  );
}

/** Where the sender posts: the server URL in use, joined to the hook's path as the API client joins it. */
export const deliveryUrl = (serverUrl: string, hook: Pick<Hook, 'path'>): string =>
  serverUrl.replace(/\/$/, '') + hook.path;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `abc123… 2h 05m` per secret in force, newest first; what `list` shows instead of secrets. */
export function secretAges(hook: Pick<Hook, 'secrets' | 'allowUnsigned'>, now: Date): string {
  if (hook.secrets.length === 0) return hook.allowUnsigned ? 'none (unsigned accepted)' : 'none';
  return hook.secrets.map((s) => `${s.prefix}… ${formatDuration(now.getTime() - Date.parse(s.createdAt))}`).join(', ');
}

const hookSummary = (hook: Hook): string => `${hook.source} webhook ${hook.id} "${hook.name}"`;

/** The URL and the secret, each alone on its line so either can be copied. */
function printUrlAndSecret(io: Io, url: string, created: HookCreated): void {
  println(io);
  println(io, '  URL (paste it into the sender as the webhook / payload URL):');
  println(io, `    ${url}`);
  for (const line of secretLines(created.secret, 'Ballast will not show it again')) println(io, line);
}

interface CreateOptions {
  source: string;
  name: string;
  allowUnsigned?: boolean;
  option?: string[];
  secret?: string;
  json?: boolean;
}

function createCommand(ctx: CommandContext): Command {
  return new Command('create')
    .description('create a webhook; prints the URL to paste into the sender and its secret, once')
    .requiredOption(
      '--source <source>',
      'who sends: github, sentry, alertmanager, grafana, pagerduty, launchdarkly, unleash or argocd',
    )
    .requiredOption('--name <name>', 'what it is for, e.g. acme/checkout')
    .option('--allow-unsigned', 'accept deliveries without a signature (only for senders that cannot sign)')
    .option('--option <name=value>', 'a source setting (repeatable); true/false and numbers are sent as such', collect)
    .option('--secret <secret>', 'use this secret (16-512 characters) instead of a generated one')
    .option('--json', 'print the hook, its secret and its url as JSON')
    .action(async (opts: CreateOptions, cmd: Command) => {
      // The source is the server's to check, so its message names the allowed values.
      const body = {
        source: opts.source,
        name: opts.name,
        ...(opts.allowUnsigned && { allowUnsigned: true }),
        ...(opts.option && { options: hookOptions(opts.option) }),
        ...(opts.secret !== undefined && { secret: opts.secret }),
      } as HookCreate;
      const target = ctx.connect(cmd);
      const created = await target.client.call('createHook', { body });
      const url = deliveryUrl(target.url, created.hook);
      if (opts.json) return printJson(ctx.io, { ...created, url });
      println(ctx.io, `Created ${hookSummary(created.hook)}.`);
      printUrlAndSecret(ctx.io, url, created);
      if (created.hook.allowUnsigned) {
        println(ctx.io, 'Deliveries without a signature are accepted too (--allow-unsigned).');
      }
    });
}

function listCommand(ctx: CommandContext): Command {
  return new Command('list')
    .description("the tenant's webhooks, their URLs, and their secrets by prefix and age")
    .option('--json', 'print as JSON (each hook with its url)')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const target = ctx.connect(cmd);
      const list = await target.client.call('listHooks', {});
      const hooks = list.hooks.map((h) => ({ ...h, url: deliveryUrl(target.url, h) }));
      if (opts.json) return printJson(ctx.io, { hooks });
      if (hooks.length === 0) {
        println(ctx.io, 'no webhooks yet; create one with: ballast hooks create --source <source> --name <name>');
        return;
      }
      const now = ctx.io.now();
      const rows = [
        ['ID', 'SOURCE', 'NAME', 'URL', 'SECRETS'],
        ...hooks.map((h) => [h.id, h.source, h.name, h.url, secretAges(h, now)]),
      ];
      for (const line of table(rows)) println(ctx.io, line);
    });
}

interface RotateOptions {
  keepPrevious?: number;
  secret?: string;
  json?: boolean;
}

function rotateCommand(ctx: CommandContext): Command {
  return new Command('rotate')
    .description('give a webhook a new secret; previous ones stay valid while the sender switches over')
    .argument('<id>', 'the hook id (see hooks list)')
    .option('--keep-previous <n>', 'previous secrets that stay valid, 0-4 (default 1)', integer)
    .option('--secret <secret>', 'use this secret (16-512 characters) instead of a generated one')
    .option('--json', 'print the hook, its new secret and its url as JSON')
    .action(async (id: string, opts: RotateOptions, cmd: Command) => {
      const target = ctx.connect(cmd);
      const rotated = await target.client.call('rotateHook', {
        params: { id },
        body: {
          ...(opts.keepPrevious !== undefined && { keepPrevious: opts.keepPrevious }),
          ...(opts.secret !== undefined && { secret: opts.secret }),
        },
      });
      const url = deliveryUrl(target.url, rotated.hook);
      if (opts.json) return printJson(ctx.io, { ...rotated, url });
      const previous = rotated.hook.secrets.slice(1);
      println(ctx.io, `Rotated the secret of ${hookSummary(rotated.hook)}.`);
      for (const line of secretLines(rotated.secret, 'Ballast will not show it again')) println(ctx.io, line);
      println(
        ctx.io,
        previous.length === 0
          ? 'No previous secret remains valid: deliveries signed with an old one are refused from now on.'
          : `${plural(previous.length, 'previous secret')} remain${previous.length === 1 ? 's' : ''} valid ` +
              `(${previous.map((s) => `${s.prefix}…`).join(', ')}), so the sender can switch over without losing deliveries.`,
      );
    });
}

function deleteCommand(ctx: CommandContext): Command {
  return new Command('delete')
    .description('delete a webhook; its deliveries are refused from then on')
    .argument('<id>', 'the hook id (see hooks list)')
    .option('--json', 'print the deleted hook as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const hook = await ctx.connect(cmd).client.call('deleteHook', { params: { id } });
      if (opts.json) return printJson(ctx.io, hook);
      println(ctx.io, `Deleted ${hookSummary(hook)}; deliveries to ${hook.path} are refused from now on.`);
    });
}

export function hooksCommand(ctx: CommandContext): Command {
  return new Command('hooks')
    .description('webhooks that senders such as GitHub deliver to (needs an admin key)')
    .addCommand(createCommand(ctx))
    .addCommand(listCommand(ctx))
    .addCommand(rotateCommand(ctx))
    .addCommand(deleteCommand(ctx));
}
