/** The `ballast` command tree, runnable in-process: `run(argv, io)` returns the exit code. */
import { Command, CommanderError, Option } from 'commander';
import { auditCommand } from './audit.js';
import { DEFAULT_URL, reportFailure, type Target } from './context.js';
import { seedCommand } from './demo/seed.js';
import { deployCommand } from './deploy.js';
import { gateCommand } from './gate.js';
import { stabilizeCommand } from './stabilize.js';
import { eventsCommand } from './events.js';
import { hooksCommand } from './hooks.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitWith, eprintln, UsageError, type Io } from './io.js';
import { keysCommand, whoamiCommand } from './keys.js';
import { commandContext } from './options.js';
import { runbooksCommand } from './runbooks.js';
import { serveCommand } from './serve.js';
import { sloCommand } from './slo.js';
import { syncCommand } from './sync.js';
import { tenantsCommand } from './tenants.js';

export const VERSION = '0.1.0';

const HELP_FOOTER = `
Environment:
  BALLAST_URL       server URL (default ${DEFAULT_URL}); --url overrides
  BALLAST_API_KEY   API key sent as a bearer token; --api-key overrides

Exit codes:
  0  done
  1  the server refused (its code, message and each field at fault go to stderr),
     could not be reached, or answered unexpectedly; or the answer is a failure
     (audit verify found a broken chain, events export no such incident)
  2  usage error: the command line or a file it names could not be used; nothing was sent
  3  gate: the deploy is denied (the reasons go to stderr)
  4  gate: Ballast cannot be reached (see gate --on-unreachable)
`;

/**
 * Commands added with addCommand() do not inherit these, so every level gets them. The program's own
 * options count only before the command (positional options), or `deploy --version 1.2.3` would print
 * the CLI's version; so every command that talks to the server takes --url and --api-key itself, and
 * both still go before or after the command.
 */
function configure(cmd: Command, io: Io, top = true): void {
  cmd
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(add --help for usage)');
  // Groups (`events --url … search`) take them unlisted; `serve` reads the server's own settings and
  // accepts both, as before, only to ignore them.
  if (!top) addConnectionOptions(cmd, cmd.commands.length > 0 || cmd.name() === 'serve');
  for (const sub of cmd.commands) configure(sub, io, false);
}

function addConnectionOptions(cmd: Command, hidden = false): Command {
  const url = new Option('--url <url>', `server URL (env BALLAST_URL, default ${DEFAULT_URL})`);
  const apiKey = new Option('--api-key <key>', 'API key (env BALLAST_API_KEY)');
  return cmd.addOption(hidden ? url.hideHelp() : url).addOption(hidden ? apiKey.hideHelp() : apiKey);
}

export function buildProgram(io: Io, onConnect: (t: Target) => void = () => {}): Command {
  const ctx = commandContext(io, onConnect);
  const program = addConnectionOptions(new Command('ballast'))
    .description(
      'Ballast from scripts and CI: post deploy markers, search, follow and export timeline events, verify the audit chain, manage webhooks, keys and tenants, seed a demo day.',
    )
    .version(VERSION)
    .enablePositionalOptions()
    .addHelpText('after', HELP_FOOTER)
    .addCommand(serveCommand())
    .addCommand(eventsCommand(ctx))
    .addCommand(deployCommand(ctx))
    .addCommand(gateCommand(ctx))
    .addCommand(stabilizeCommand(ctx))
    .addCommand(auditCommand(ctx))
    .addCommand(keysCommand(ctx))
    .addCommand(hooksCommand(ctx))
    .addCommand(sloCommand(ctx))
    .addCommand(runbooksCommand(ctx))
    .addCommand(syncCommand(ctx))
    .addCommand(tenantsCommand(ctx))
    .addCommand(whoamiCommand(ctx))
    .addCommand(new Command('demo').description('demo data, through the public API').addCommand(seedCommand(ctx)));
  configure(program, io);
  return program;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let target: Target | undefined;
  const program = buildProgram(io, (t) => (target = t));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    // Commander has already printed its message (or the help / version it was asked for).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (err instanceof ExitWith) {
      if (err.message) eprintln(io, err.message);
      return err.code;
    }
    if (err instanceof CommandFailed) {
      if (err.message) eprintln(io, `error: ${err.message}`);
      return EXIT_FAILED;
    }
    if (err instanceof UsageError) {
      eprintln(io, `error: ${err.message}`);
      return EXIT_USAGE;
    }
    return reportFailure(io, err, target);
  }
}
