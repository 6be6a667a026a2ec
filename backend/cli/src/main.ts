import { run } from './run.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** For commands that follow something: the first Ctrl-C asks them to stop cleanly, a second ends the process. */
function interrupted(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

// exitCode rather than exit(): `ballast serve` must keep running after run() returns, and pending
// output to a pipe must be flushed before the process ends.
process.exitCode = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  readStdin,
  now: () => new Date(),
  interrupted,
});
