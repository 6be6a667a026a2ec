/** The `ballast` command tree, runnable in-process: `run(argv, io)` returns the exit code. */
import { Command, CommanderError } from 'commander';
import { auditCommand } from './audit.js';
import { DEFAULT_URL, reportFailure, type Target } from './context.js';
import { seedCommand } from './demo/seed.js';
import { eventsCommand } from './events.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK, EXIT_USAGE, eprintln, UsageError, type Io } from './io.js';
import { keysCommand, whoamiCommand } from './keys.js';
import { commandContext } from './options.js';
import { serveCommand } from './serve.js';
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
`;

/** Commands added with addCommand() do not inherit these, so every level gets them. */
function configure(cmd: Command, io: Io): void {
  cmd
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(add --help for usage)');
  for (const sub of cmd.commands) configure(sub, io);
}

export function buildProgram(io: Io, onConnect: (t: Target) => void = () => {}): Command {
  const ctx = commandContext(io, onConnect);
  const program = new Command('ballast')
    .description(
      'Ballast from scripts and CI: post, search, follow and export timeline events, verify the audit chain, manage keys and tenants, seed a demo day.',
    )
    .version(VERSION)
    .option('--url <url>', `server URL (env BALLAST_URL, default ${DEFAULT_URL})`)
    .option('--api-key <key>', 'API key (env BALLAST_API_KEY)')
    .addHelpText('after', HELP_FOOTER)
    .addCommand(serveCommand())
    .addCommand(eventsCommand(ctx))
    .addCommand(auditCommand(ctx))
    .addCommand(keysCommand(ctx))
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
