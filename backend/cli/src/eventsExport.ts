/** `ballast events export`: an incident (or any event) with the changes before it, for a postmortem. */
import { SEARCH_MAX_LIMIT, type BallastClient, type Event, type SearchQueryInput } from '@ballast/contract';
import { Command, Option } from 'commander';
import { CommandFailed, printJson, UsageError } from './io.js';
import type { CommandContext } from './options.js';
import { oldestFirst, postmortemCsv, postmortemMarkdown, type Postmortem } from './postmortem.js';

interface ExportOptions {
  incident?: string;
  event?: string;
  format: 'md' | 'csv';
  window: string;
  json?: boolean;
}

/**
 * The incident events carrying `incidentId`, oldest first. Search has no correlation filter, so this
 * asks for incident events whose text names the id and keeps those whose `correlation.incidentId` is
 * exactly it: an incident event whose title, description and tags never name its id is not found.
 */
export async function incidentEvents(client: BallastClient, incidentId: string): Promise<Event[]> {
  const query: SearchQueryInput = { q: incidentId, kind: ['incident'], limit: SEARCH_MAX_LIMIT };
  const found: Event[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await client.call('searchEvents', { query: { ...query, ...(cursor && { cursor }) } });
    found.push(...page.events.filter((e) => e.correlation.incidentId === incidentId));
    cursor = page.nextCursor;
  } while (cursor);
  return found.sort(oldestFirst);
}

export function eventsExportCommand(ctx: CommandContext): Command {
  return new Command('export')
    .description("an incident's timeline and the changes made before it started, as markdown or CSV")
    .addOption(new Option('--incident <id>', 'the incident id (correlation.incidentId), e.g. INC-2041'))
    .addOption(
      new Option('--event <id>', 'instead of an incident: any event, with the changes before it').conflicts('incident'),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'csv']).default('md'))
    .option('--window <span>', 'how far before the start to look for changes: 30m, 2h, 1d, ... (at most 7d)', '2h')
    .addOption(new Option('--json', 'print the timeline and the context as JSON').conflicts('format'))
    .action(async (opts: ExportOptions, cmd: Command) => {
      if (opts.incident === undefined && opts.event === undefined) {
        throw new UsageError('events export needs --incident <id> or --event <id>');
      }
      const { client } = ctx.connect(cmd);
      let timeline: Event[];
      let startId: string;
      if (opts.incident !== undefined) {
        timeline = await incidentEvents(client, opts.incident);
        if (timeline.length === 0) {
          throw new CommandFailed(
            `no incident event carries the incident id "${opts.incident}" (ids match exactly, case included)\n` +
              `hint: list incidents with: ballast events search --kind incident`,
          );
        }
        startId = timeline[0]!.id;
      } else {
        startId = opts.event!;
        timeline = [];
      }
      const context = await client.call('eventContext', { params: { id: startId }, query: { window: opts.window } });
      const postmortem: Postmortem = {
        ...(opts.incident !== undefined && { incidentId: opts.incident }),
        timeline: timeline.length > 0 ? timeline : [context.event],
        context,
      };
      if (opts.json) return printJson(ctx.io, postmortem);
      ctx.io.stdout(opts.format === 'csv' ? postmortemCsv(postmortem) : postmortemMarkdown(postmortem));
    });
}
