/** Runs the CLI in-process with captured output, the way the real entry point runs it. */
import { run } from '../src/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  options: { stdin?: string; now?: Date } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env,
    readStdin: async () => options.stdin ?? '',
    now: () => options.now ?? new Date(),
  });
  return { code, stdout, stderr };
}

/** The environment a script would set to reach `url` with `key`. */
export const envFor = (url: string, key?: string) => ({
  BALLAST_URL: url,
  ...(key !== undefined && { BALLAST_API_KEY: key }),
});
