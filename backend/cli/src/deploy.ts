/**
 * `ballast deploy`: the deploy marker a CI job posts. Started and finished markers of one deployment
 * share a deployment id, so the timeline draws them as one range; dedupe keys make a job retry safe.
 */
import type { EventInput } from '@ballast/contract';
import { Command, Option } from 'commander';
import { ingestLines } from './format.js';
import { println, printJson } from './io.js';
import type { CommandContext } from './options.js';
import { resolveTime } from './time.js';

export const DEPLOY_STATUSES = ['started', 'succeeded', 'failed'] as const;
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];

export interface DeployFlags {
  service: string;
  environment: string;
  version: string;
  status: DeployStatus;
  commit?: string;
  logsUrl?: string;
  deploymentId?: string;
  description?: string;
  at?: string;
}

/**
 * The marker. Without --deployment-id the id is `service:environment:version`, which is what lets a
 * later `succeeded` find its `started` without the job passing anything along. With one, the dedupe
 * key carries it too, so deploying the same version again in a new run is a new deployment, not a
 * duplicate of the first.
 */
export function deployEvent(flags: DeployFlags, now: Date): EventInput {
  const { service, environment, version, status } = flags;
  const deploymentId = flags.deploymentId ?? `${service}:${environment}:${version}`;
  const dedupeKey = `deploy:${service}:${environment}:${version}:${status}`;
  return {
    occurredAt: resolveTime(flags.at ?? 'now', now),
    source: 'api',
    kind: 'deploy',
    status,
    severity: status === 'failed' ? 'warning' : 'info',
    service,
    environment,
    title: `Deploy ${service} ${version} to ${environment} ${status}`,
    ...(flags.description !== undefined && { description: flags.description }),
    ...(flags.logsUrl !== undefined && { links: [{ rel: 'logs', url: flags.logsUrl }] }),
    correlation: {
      release: version,
      ...(flags.commit !== undefined && { commitSha: flags.commit }),
      deploymentId,
    },
    dedupeKey: flags.deploymentId === undefined ? dedupeKey : `${dedupeKey}:${flags.deploymentId}`,
  };
}

export function deployCommand(ctx: CommandContext): Command {
  return (
    new Command('deploy')
      .description(
        'post a deploy marker from CI: started, then succeeded or failed, pair into one range on the timeline',
      )
      .requiredOption('--service <name>', 'the service deployed (OTel service.name)')
      .requiredOption('--environment <name>', 'where, e.g. production')
      .requiredOption('--version <version>', 'what was deployed: a version, tag or image tag')
      .addOption(
        new Option('--status <status>', 'where the deployment is').choices(DEPLOY_STATUSES).default('succeeded'),
      )
      .option('--commit <sha>', 'the commit deployed')
      // --url names the Ballast server everywhere, so the link to the job has a name of its own.
      .option('--logs-url <url>', 'a link to the job or its logs (rel "logs")')
      .option('--deployment-id <id>', 'ties started to succeeded/failed (default service:environment:version)')
      .option('--description <text>', 'longer text; markdown is fine')
      .option('--at <time>', 'when: ISO 8601, or 15m / 2h ago (default: now)')
      .option('--json', 'print the ingest result as JSON')
      .action(async (opts: DeployFlags & { json?: boolean }, cmd: Command) => {
        const { json, ...flags } = opts;
        const result = await ctx.connect(cmd).client.call('ingestEvents', { body: deployEvent(flags, ctx.io.now()) });
        if (json) printJson(ctx.io, result);
        else for (const line of ingestLines(result, false)) println(ctx.io, line);
      })
  );
}
