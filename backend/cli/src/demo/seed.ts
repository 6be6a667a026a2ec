/** `ballast demo seed`: a demo day sent through the public API, the way any sender would send it. */
import { Command } from 'commander';
import { ingestInBatches } from '../eventInput.js';
import { println, printJson, UsageError } from '../io.js';
import type { CommandContext } from '../options.js';
import type { Target } from '../context.js';
import { DAY_MS, DEMO_ENVIRONMENT, DEMO_SERVICES, dayStart, demoDay } from './demoDay.js';
import { demoProfiles, demoRunbooks, demoSli, demoSlos } from './reliability.js';

/** Small batches, so a long day would go in several requests as a real exporter's would. */
const BATCH = 100;

/**
 * The SLOs with the day's SLI counts, the stabilize profiles and the service runbooks, through the API.
 * Each step is a no-op when repeated: the same SLO spec, profile or runbook stores nothing new, and a
 * minute of SLI counts sent again replaces itself.
 */
export async function seedReliability(client: Target['client'], day: string, end: Date) {
  const slos = demoSlos();
  const sli = demoSli(day, end);
  for (const spec of slos) {
    await client.call('createSlo', { body: spec });
    await client.call('pushSli', { params: { id: spec.id }, body: sli[spec.id]! });
  }
  const profiles = demoProfiles();
  for (const p of profiles)
    await client.call('putStabilizeProfile', {
      params: { service: p.service },
      query: p.environment ? { environment: p.environment } : {},
      body: p.spec,
    });
  const runbooks = demoRunbooks(day);
  for (const r of runbooks) await client.call('putRunbook', { params: { id: r.frontmatter.id }, body: r });
  return { slos: slos.map((s) => s.id), profiles: profiles.length, runbooks: runbooks.map((r) => r.frontmatter.id) };
}

/** The day and the moment it ends: a past date ends at its midnight, today ends now. */
export function seedWindow(date: string | undefined, now: Date): { day: string; end: Date } {
  const day = date ?? now.toISOString().slice(0, 10);
  let start: Date;
  try {
    start = dayStart(day);
  } catch (err) {
    throw new UsageError(`--date: ${(err as Error).message}`);
  }
  if (start.getTime() > now.getTime())
    throw new UsageError(`--date ${day} is in the future; the demo day must have happened`);
  return { day, end: new Date(Math.min(start.getTime() + DAY_MS, now.getTime())) };
}

export function seedCommand(ctx: CommandContext): Command {
  return new Command('seed')
    .description(
      `store a realistic day of events for ${DEMO_SERVICES.join(', ')} in ${DEMO_ENVIRONMENT}, with their SLOs and SLI counts, stabilize profiles and runbooks; running it again stores nothing twice`,
    )
    .option('--date <YYYY-MM-DD>', 'the day to fill, in UTC (default: the 24 hours ending now)')
    .option('--json', 'print the ingest result as JSON')
    .action(async (opts: { date?: string; json?: boolean }, cmd: Command) => {
      const now = ctx.io.now();
      const { day, end } = seedWindow(opts.date, now);
      const events = demoDay(day, end);
      const { client } = ctx.connect(cmd);
      const result = await ingestInBatches(client, events, BATCH);
      const reliability = await seedReliability(client, day, end);
      if (opts.json) return printJson(ctx.io, { ...result, reliability });
      const from = new Date(end.getTime() - DAY_MS).toISOString();
      println(
        ctx.io,
        `Demo day ${day}: ${events.length} events for ${DEMO_SERVICES.join(', ')} in ${DEMO_ENVIRONMENT}, ${from} to ${end.toISOString()}.`,
      );
      println(
        ctx.io,
        `${result.created} created, ${result.duplicates} duplicates${result.created === 0 ? ' (this day was already seeded; nothing was stored twice)' : ''}.`,
      );
      println(
        ctx.io,
        `SLOs ${reliability.slos.join(', ')} with the day's SLI counts; ${reliability.profiles} stabilize profiles; runbooks ${reliability.runbooks.join(', ')}.`,
      );
      // A window that ended now is best found relative to now: a rerun's window starts a little later.
      const range = end.getTime() === now.getTime() ? '--from 1d' : `--from ${from} --to ${end.toISOString()}`;
      println(ctx.io, `Try: ballast events search --service checkout ${range}`);
    });
}
