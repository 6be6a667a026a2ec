/**
 * What a demo day is made of: the three services, a seeded random source (the same day always gives
 * the same ids), and the story the senders' events are added to in time order.
 */
import type { EventInput } from '@ballast/contract';

export type DemoService = 'checkout' | 'payments' | 'search';

export const SERVICES: Record<DemoService, { team: string; region: string; repo: string; pagerduty: string }> = {
  checkout: { team: 'storefront', region: 'eu-west-1', repo: 'acme/checkout', pagerduty: 'PCHK7Q2' },
  payments: { team: 'payments', region: 'eu-west-1', repo: 'acme/payments', pagerduty: 'PPAY4M9' },
  search: { team: 'discovery', region: 'us-east-1', repo: 'acme/search', pagerduty: 'PSRC1X5' },
};

export interface Person {
  login: string;
  name: string;
}

/** An event placed at a minute of the day; time and dedupe key are added when the day is laid out. */
export interface Beat {
  at: number;
  event: Omit<EventInput, 'occurredAt' | 'dedupeKey' | 'environment'>;
}

/** mulberry32 seeded by FNV-1a of the day: small, fast, and the same on every machine. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  let a = h;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Story {
  readonly beats: Beat[] = [];
  constructor(
    private readonly random: () => number,
    /** Which version each service runs before the day's first deploy. */
    readonly running: Record<DemoService, string>,
  ) {}

  hex(length: number): string {
    let s = '';
    while (s.length < length)
      s += Math.floor(this.random() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, length);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  tags(service: DemoService, extra: Record<string, string> = {}) {
    const s = SERVICES[service];
    return { team: s.team, region: s.region, version: this.running[service], ...extra };
  }

  add(at: number, event: Beat['event']) {
    this.beats.push({ at, event });
  }
}

/** A person as the tool that reports them names them. */
export const actor = (tool: string, p: Person) => ({
  type: 'user' as const,
  id: `${tool}:${p.login}`,
  name: p.name,
  email: `${p.login}@acme.example.com`,
});
