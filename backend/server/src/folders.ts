/**
 * Folders the server follows (runbooks, catalog, stabilize profiles). A folder that cannot be listed is
 * a problem of its own, not an empty folder: taken as empty, a replica started where the folder is
 * missing (another working directory, a volume not mounted yet) would delete from the shared store
 * everything the folder holds, and the replicas that can read it would not put it back until a file
 * changed.
 */
import { readdirSync } from 'node:fs';

/** Why `dir` cannot be listed, or undefined when it can. */
export function folderProblem(dir: string): string | undefined {
  try {
    readdirSync(dir);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return 'no such folder; nothing it held is deleted while it is missing';
    if (e.code === 'ENOTDIR') return 'not a folder; nothing it held is deleted until it is one';
    return `cannot be listed (${e.code ?? e.message}); nothing it held is deleted until it can`;
  }
}
