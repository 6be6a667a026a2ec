/**
 * Pushed SLI counts: one row per minute (replaced when sent again), and one per hour and per UTC day kept
 * equal to the sum of their minutes by adding each minute's change, so that long windows read days, then
 * hours and minutes at their edges.
 */
import type { Knex } from 'knex';
import { DAY, HOUR, MINUTE } from './windows.js';

export interface Counts {
  good: number;
  total: number;
}

export interface MinutePoint extends Counts {
  /** Minutes since the epoch. */
  minute: number;
}

const CHUNK = 2000;

/** Multi-row VALUES, the one upsert both dialects take without SQLite's 500-term compound SELECT cap. */
async function upsert(
  trx: Knex.Transaction,
  table: string,
  unit: string,
  sloKey: number,
  rows: MinutePoint[],
  good: string,
  total: string,
) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await trx.raw(
      `INSERT INTO ${table} (slo_key, ${unit}, good, total) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')} ` +
        `ON CONFLICT (slo_key, ${unit}) DO UPDATE SET good = ${good}, total = ${total}`,
      chunk.flatMap((r) => [sloKey, r.minute, r.good, r.total]),
    );
  }
}

/** Stores points (minutes unique within the call); answers how many replaced earlier counts. */
export async function storeMinutes(trx: Knex.Transaction, sloKey: number, points: MinutePoint[]): Promise<number> {
  if (points.length === 0) return 0;
  const minutes = points.map((p) => p.minute);
  const lo = Math.min(...minutes);
  const hi = Math.max(...minutes);
  const before = new Map<number, Counts>();
  const rows: { minute: number | string; good: number; total: number }[] = await trx('slo_sli_minute')
    .where('slo_key', sloKey)
    .andWhere('minute', '>=', lo)
    .andWhere('minute', '<=', hi)
    .select('minute', 'good', 'total');
  for (const r of rows) before.set(Number(r.minute), { good: Number(r.good), total: Number(r.total) });

  let replaced = 0;
  const hourDelta = new Map<number, Counts>();
  const dayDelta = new Map<number, Counts>();
  const add = (m: Map<number, Counts>, k: number, good: number, total: number) => {
    const d = m.get(k) ?? { good: 0, total: 0 };
    d.good += good;
    d.total += total;
    m.set(k, d);
  };
  for (const p of points) {
    const old = before.get(p.minute);
    if (old) replaced++;
    const good = p.good - (old?.good ?? 0);
    const total = p.total - (old?.total ?? 0);
    add(hourDelta, Math.floor((p.minute * MINUTE) / HOUR), good, total);
    add(dayDelta, Math.floor((p.minute * MINUTE) / DAY), good, total);
  }
  await upsert(trx, 'slo_sli_minute', 'minute', sloKey, points, 'excluded.good', 'excluded.total');
  for (const [table, unit, deltas] of [
    ['slo_sli_hour', 'hour', hourDelta],
    ['slo_sli_day', 'day', dayDelta],
  ] as const) {
    const rows = [...deltas].map(([k, d]) => ({ minute: k, ...d }));
    await upsert(trx, table, unit, sloKey, rows, `${table}.good + excluded.good`, `${table}.total + excluded.total`);
  }
  return replaced;
}

export interface Range {
  name: string;
  /** Inclusive start, exclusive end, in ms; minute-aligned. */
  from: number;
  to: number;
}

type Sums = Map<number, Record<string, Counts>>;

function addTo(out: Sums, key: number, name: string, good: unknown, total: unknown) {
  let per = out.get(key);
  if (!per) out.set(key, (per = {}));
  const c = (per[name] ??= { good: 0, total: 0 });
  c.good += Number(good ?? 0);
  c.total += Number(total ?? 0);
}

interface Part {
  name: string;
  /** In the level's unit (days, hours or minutes since the epoch), end exclusive. */
  from: number;
  to: number;
}

/** Coarsest first: a range is read as whole days, then whole hours at its edges, then edge minutes. */
const LEVELS = [
  { table: 'slo_sli_day', unit: 'day', ms: DAY },
  { table: 'slo_sli_hour', unit: 'hour', ms: HOUR },
  { table: 'slo_sli_minute', unit: 'minute', ms: MINUTE },
] as const;

/** Splits [from, to) (ms) into the buckets of each level; a minute counts when its start lies in the range. */
function decompose(name: string, from: number, to: number, level: number, out: Part[][]): void {
  const unit = LEVELS[level]!.ms;
  if (level === LEVELS.length - 1) {
    const a = Math.ceil(from / unit);
    const b = Math.ceil(to / unit);
    if (b > a) out[level]!.push({ name, from: a, to: b });
    return;
  }
  const a = Math.ceil(from / unit);
  const b = Math.floor(to / unit);
  if (a >= b) return decompose(name, from, to, level + 1, out);
  out[level]!.push({ name, from: a, to: b });
  if (from < a * unit) decompose(name, from, a * unit, level + 1, out);
  if (b * unit < to) decompose(name, b * unit, to, level + 1, out);
}

/**
 * Sums of good and total per SLO key and range, every range read as whole hours from the hour table and
 * the minutes before the first and after the last whole hour from the minute table. A handful of
 * queries for any number of SLOs sharing the same ranges.
 */
export async function sumRanges(db: Knex, keys: number[], ranges: Range[]): Promise<Sums> {
  const out: Sums = new Map();
  for (const k of keys) out.set(k, Object.fromEntries(ranges.map((r) => [r.name, { good: 0, total: 0 }])));
  if (keys.length === 0) return out;

  const all = LEVELS.map(() => [] as Part[]);
  for (const r of ranges) decompose(r.name, r.from, r.to, 0, all);
  // Windows ending at the same instant share their leading parts: each distinct part is summed once.
  const parts = all.map((level) => {
    const byBounds = new Map<string, Part & { names: string[] }>();
    for (const p of level) {
      const k = `${p.from}:${p.to}`;
      const hit = byBounds.get(k);
      if (hit) hit.names.push(p.name);
      else byBounds.set(k, { ...p, names: [p.name] });
    }
    return [...byBounds.values()];
  });

  async function read(table: string, unit: string, parts: (Part & { names: string[] })[]) {
    if (parts.length === 0) return;
    // Parts that overlap are read in one scan; disjoint ones (the far edges of long windows) apart.
    const sorted = [...parts].sort((a, b) => a.from - b.from);
    const groups: (Part & { names: string[] })[][] = [];
    for (const p of sorted) {
      const g = groups.at(-1);
      if (g && p.from <= Math.max(...g.map((x) => x.to))) g.push(p);
      else groups.push([p]);
    }
    for (const g of groups) {
      const lo = Math.min(...g.map((p) => p.from));
      const hi = Math.max(...g.map((p) => p.to));
      const cols: string[] = [];
      const bindings: number[] = [];
      g.forEach((p, i) => {
        cols.push(`SUM(CASE WHEN ${unit} >= ? AND ${unit} < ? THEN good END) AS g${i}`);
        cols.push(`SUM(CASE WHEN ${unit} >= ? AND ${unit} < ? THEN total END) AS t${i}`);
        bindings.push(p.from, p.to, p.from, p.to);
      });
      const rows: Record<string, unknown>[] = await db
        .select(db.raw(`slo_key, ${cols.join(', ')}`, bindings))
        .from(table)
        .whereIn('slo_key', keys)
        .andWhere(unit, '>=', lo)
        .andWhere(unit, '<', hi)
        .groupBy('slo_key');
      for (const row of rows) {
        const key = Number(row.slo_key);
        g.forEach((p, i) => p.names.forEach((name) => addTo(out, key, name, row[`g${i}`], row[`t${i}`])));
      }
    }
  }
  for (const [i, level] of LEVELS.entries()) await read(level.table, level.unit, parts[i]!);
  return out;
}

/** Every minute of one SLO in [fromMinute, toMinute), for series. */
export async function readMinutes(db: Knex, sloKey: number, fromMinute: number, toMinute: number) {
  const rows: { minute: number | string; good: number; total: number }[] = await db('slo_sli_minute')
    .where('slo_key', sloKey)
    .andWhere('minute', '>=', fromMinute)
    .andWhere('minute', '<', toMinute)
    .orderBy('minute')
    .select('minute', 'good', 'total');
  return rows.map((r) => ({ minute: Number(r.minute), good: Number(r.good), total: Number(r.total) }));
}
