/**
 * Pushed SLI counts: one row per minute (replaced when sent again), and one per hour and per UTC day kept
 * equal to the sum of their minutes by adding each minute's change, so that long windows read days, then
 * hours and minutes at their edges. Writes go by SLO (primary key: slo_key, then time); status reads one
 * time range for all SLOs at once, which on PostgreSQL each level's second index (time, then slo_key,
 * with the counts) serves as one range instead of a descent per SLO.
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

/** Bound parameters per statement, under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_BINDINGS = 30_000;
/** Scans per statement (under SQLite's 500 terms of a compound SELECT) and parts per scan. */
const MAX_SCANS = 100;
const MAX_SCAN_PARTS = 50;

/**
 * One contiguous range of a level read in one pass: cut where any of its parts starts or ends, each
 * row counted once in its segment, and each segment added to the ranges of the parts covering it.
 */
interface Scan {
  cuts: number[];
  /** Per segment [cuts[i], cuts[i + 1]): the names of the ranges it belongs to. */
  names: string[][];
}

function scansOf(parts: Part[]): Scan[] {
  const groups: Part[][] = [];
  for (const p of [...parts].sort((a, b) => a.from - b.from)) {
    const g = groups.at(-1);
    if (g && g.length < MAX_SCAN_PARTS && p.from <= Math.max(...g.map((x) => x.to))) g.push(p);
    else groups.push([p]);
  }
  return groups.map((g) => {
    const cuts = [...new Set(g.flatMap((p) => [p.from, p.to]))].sort((a, b) => a - b);
    const names = cuts
      .slice(0, -1)
      .map((from, i) => g.filter((p) => p.from <= from && cuts[i + 1]! <= p.to).map((p) => p.name));
    return { cuts, names };
  });
}

type SumRow = { scan: number | string; seg: number | string; slo_key: number | string; good: unknown; total: unknown };

/**
 * Sums of good and total per SLO key and range: each range read as whole days, then the whole hours and
 * minutes at its edges. For any number of SLOs sharing the same ranges, one statement per level, each
 * stored row read once however many ranges hold it.
 */
export async function sumRanges(db: Knex, keys: number[], ranges: Range[]): Promise<Sums> {
  const out: Sums = new Map();
  for (const k of keys) out.set(k, Object.fromEntries(ranges.map((r) => [r.name, { good: 0, total: 0 }])));
  if (keys.length === 0) return out;

  const all = LEVELS.map(() => [] as Part[]);
  for (const r of ranges) decompose(r.name, r.from, r.to, 0, all);

  // Each scan is one time range for all the SLOs: on PostgreSQL a contiguous read of the level's
  // (time, slo_key) index (012_slo_sli_by_time), which carries the counts; on SQLite a descent of the
  // primary key per SLO, cheap there.
  async function read(table: string, unit: string, scans: Scan[]) {
    for (let s = 0; s < scans.length; s += MAX_SCANS) {
      const some = scans.slice(s, s + MAX_SCANS);
      const fixed = some.reduce((n, scan) => n + scan.cuts.length, 0);
      const step = Math.floor((MAX_BINDINGS - fixed) / some.length);
      for (let k = 0; k < keys.length; k += step) {
        const chunk = keys.slice(k, k + step);
        const inList = chunk.map(() => '?').join(', ');
        const bindings: number[] = [];
        const sql = some
          .map((scan, i) => {
            const { cuts } = scan;
            const whens = cuts.slice(1, -1).map((_, j) => `WHEN ${unit} < ? THEN ${j}`);
            bindings.push(...cuts.slice(1, -1), cuts[0]!, cuts.at(-1)!, ...chunk);
            const seg = whens.length ? `CASE ${whens.join(' ')} ELSE ${whens.length} END` : '0';
            return (
              `SELECT ${i} AS scan, ${seg} AS seg, slo_key, SUM(good) AS good, SUM(total) AS total FROM ${table} ` +
              `WHERE ${unit} >= ? AND ${unit} < ? AND slo_key IN (${inList}) GROUP BY 2, slo_key`
            );
          })
          .join(' UNION ALL ');
        const result = await db.raw(sql, bindings);
        // better-sqlite3 answers the rows, pg a result holding them.
        const rows: SumRow[] = Array.isArray(result) ? result : result.rows;
        for (const row of rows)
          for (const name of some[Number(row.scan)]!.names[Number(row.seg)]!)
            addTo(out, Number(row.slo_key), name, row.good, row.total);
      }
    }
  }
  for (const [i, level] of LEVELS.entries()) await read(level.table, level.unit, scansOf(all[i]!));
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
