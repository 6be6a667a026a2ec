// The page's time window, as Grafana's time picker writes it into the URL (from/to, relative or epoch ms).
import { dateMath, type TimeRange } from '@grafana/data';

export interface RawWindow {
  from: string;
  to: string;
}

export const DEFAULT_WINDOW: RawWindow = { from: 'now-6h', to: 'now' };

export function resolveWindow(raw: RawWindow): TimeRange {
  const parse = (v: string, roundUp: boolean) => {
    const ms = /^\d+$/.test(v) ? Number(v) : undefined;
    return ms !== undefined ? dateMath.toDateTime(new Date(ms), {}) : dateMath.parse(v, roundUp);
  };
  const from = parse(raw.from, false);
  const to = parse(raw.to, true);
  if (!from?.isValid() || !to?.isValid()) throw new Error(`not a time range: ${raw.from} to ${raw.to}`);
  return { from, to, raw: { from: raw.from, to: raw.to } };
}
