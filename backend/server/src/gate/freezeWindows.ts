import { z } from 'zod';
import { TimeZone } from '@ballast/contract';

/**
 * Freeze windows (`gate.freezeWindows` in ballast.config.yaml): times when deploys are refused, in a
 * time zone, either once (a holiday freeze, local start and end) or every week (Friday 16:00 to Monday
 * 08:00). Times are compared as local wall-clock values in the window's zone, so daylight saving
 * never shifts a window.
 */

const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'must be a local date and time, e.g. 2026-12-20T00:00');
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WeekTime = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^(mon|tue|wed|thu|fri|sat|sun)\w* ([01]\d|2[0-3]):[0-5]\d$/, 'must look like "Fri 16:00"'));

export const FreezeWindow = z
  .strictObject({
    name: z.string().min(1).max(128),
    /** Environments it applies to; absent: all. */
    environments: z.array(z.string().min(1)).optional(),
    /** Services it applies to; absent: all. */
    services: z.array(z.string().min(1)).optional(),
    timeZone: TimeZone.default('UTC'),
    start: LocalDateTime.optional(),
    end: LocalDateTime.optional(),
    weekly: z.strictObject({ from: WeekTime, to: WeekTime }).optional(),
  })
  .refine((w) => (w.weekly ? !w.start && !w.end : Boolean(w.start && w.end)), {
    message: 'a freeze window has either start and end, or weekly from and to',
  })
  .refine((w) => !w.start || !w.end || w.start < w.end, { message: 'start must be before end', path: ['end'] });
export type FreezeWindow = z.infer<typeof FreezeWindow>;

export const GateConfig = z
  .strictObject({ freezeWindows: z.array(FreezeWindow).default([]) })
  .default({ freezeWindows: [] });
export type GateConfig = z.infer<typeof GateConfig>;

/** `at` as local wall-clock parts in a zone. */
function local(at: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return {
    iso: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`,
    weekMinute:
      DAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3) as (typeof DAYS)[number]) * 1440 +
      Number(parts.hour) * 60 +
      Number(parts.minute),
  };
}

const weekMinute = (s: string) => {
  const [day, time] = s.split(' ') as [string, string];
  const [h, m] = time.split(':').map(Number) as [number, number];
  return DAYS.indexOf(day.slice(0, 3) as (typeof DAYS)[number]) * 1440 + h * 60 + m;
};
const withSeconds = (s: string) => (s.length === 16 ? `${s}:00` : s);

/** The windows that hold deploys of `service` to `environment` at `at`. */
export function activeFreezes(windows: FreezeWindow[], service: string, environment: string, at: number) {
  return windows.filter((w) => {
    if (w.environments && !w.environments.includes(environment)) return false;
    if (w.services && !w.services.includes(service)) return false;
    const now = local(at, w.timeZone);
    if (w.weekly) {
      const from = weekMinute(w.weekly.from);
      const to = weekMinute(w.weekly.to);
      // Wrapping over the week's end (Fri 16:00 → Mon 08:00) is the common case.
      return from <= to ? now.weekMinute >= from && now.weekMinute < to : now.weekMinute >= from || now.weekMinute < to;
    }
    return now.iso >= withSeconds(w.start!) && now.iso < withSeconds(w.end!);
  });
}
