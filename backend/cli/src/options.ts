/** Option parsers shared by the commands; commander reports what they throw as a usage error. */
import { type Command, InvalidArgumentError } from 'commander';
import { resolveTarget, type GlobalOptions, type Target } from './context.js';
import type { Io } from './io.js';

/** For repeatable flags: `--tag a=1 --tag b=2`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

/** --url and --api-key from the command and the commands above it; the one nearest the command wins. */
function connectionOptions(cmd: Command): GlobalOptions {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  return Object.assign({}, ...chain.map((c) => c.opts<GlobalOptions>()));
}

/** What every command gets: the io, and a way to reach the server with the flags and env in force. */
export interface CommandContext {
  io: Io;
  connect(cmd: Command): Target;
}

export function commandContext(io: Io, onConnect: (t: Target) => void): CommandContext {
  return {
    io,
    connect(cmd) {
      const target = resolveTarget(connectionOptions(cmd), io.env);
      onConnect(target);
      return target;
    },
  };
}
