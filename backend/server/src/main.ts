import { ConfigError, loadConfig } from './config/config.js';
import { startServer } from './server.js';

/** `node dist/server.js`: the production entry point. `ballast serve` calls the same function. */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ballast: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let server;
  try {
    server = await startServer(config);
  } catch (err) {
    process.stderr.write(`ballast: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    process.stderr.write(`ballast: ${signal}: finishing in-flight requests, then stopping\n`);
    server.close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`ballast: shutdown: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
