/** `ballast serve`: the same entry point as the server's own bin, in the foreground. */
import { Command } from 'commander';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the Ballast server in the foreground (configured by BALLAST_* variables or ballast.config.yaml)')
    .action(async () => {
      // Loaded here so the other commands never open a store or start a listener.
      const { main } = await import('@ballast/server');
      await main();
    });
}
