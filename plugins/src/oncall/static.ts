/** A static rotation: people take turns of a fixed length from a start time. Pure. */
import type { OnCallPersonNow } from './provider.js';

export interface StaticRotation {
  people: readonly { name: string; email?: string }[];
  startsAt: string;
  /** `12h`, `1d`, `1w`. */
  shift: string;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function shiftMs(shift: string): number {
  const m = /^(\d+)(h|d|w)$/.exec(shift);
  if (!m) throw new Error(`not a shift length: ${shift}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Who is on the rotation at `at`; before the rotation starts, nobody. */
export function staticOnCall(rotation: StaticRotation, at: Date): OnCallPersonNow[] {
  const start = Date.parse(rotation.startsAt);
  const length = shiftMs(rotation.shift);
  const t = at.getTime();
  if (t < start || rotation.people.length === 0) return [];
  const turn = Math.floor((t - start) / length);
  const person = rotation.people[turn % rotation.people.length]!;
  return [
    {
      name: person.name,
      ...(person.email !== undefined && { email: person.email }),
      level: 1,
      until: new Date(start + (turn + 1) * length).toISOString(),
    },
  ];
}
