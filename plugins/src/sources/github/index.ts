import type { EventInput } from '@ballast/contract';
import { at, verifyHexHmac, str, type NormalizeOutcome, type SourcePlugin, type VerifyOutcome } from '../../source.js';

/**
 * GitHub webhooks (https://docs.github.com/en/webhooks/webhook-events-and-payloads): `deployment`,
 * `deployment_status` and `release` become events; `ping` and other events are acknowledged and ignored.
 * Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 */
const HEADER = 'X-Hub-Signature-256';

export function verifyGithub(
  raw: Buffer,
  headers: Readonly<Record<string, string | undefined>>,
  secrets: readonly string[],
): VerifyOutcome {
  return verifyHexHmac(
    {
      header: HEADER,
      prefix: 'sha256=',
      missing: 'the delivery carries no signature; set a secret on the GitHub webhook',
      mismatch: 'the signature matches none of the hook secrets',
    },
    raw,
    headers,
    secrets,
  );
}

/** deployment_status.state → the timeline's status words (started/succeeded/failed pair into a range). */
const STATE: Record<string, string> = {
  queued: 'pending',
  pending: 'pending',
  in_progress: 'started',
  success: 'succeeded',
  failure: 'failed',
  error: 'failed',
  inactive: 'inactive',
};

function repoFields(payload: unknown) {
  const fullName = str(at(payload, 'repository', 'full_name'));
  const name = str(at(payload, 'repository', 'name'));
  const htmlUrl = str(at(payload, 'repository', 'html_url'));
  return { fullName, name, htmlUrl };
}

function deploymentEvent(payload: unknown, delivery: string, withStatus: boolean): NormalizeOutcome {
  const d = at(payload, 'deployment');
  const repo = repoFields(payload);
  const id = str(at(d, 'id'));
  const missing = [
    ...(id ? [] : ['deployment.id']),
    ...(repo.fullName ? [] : ['repository.full_name']),
    ...(withStatus && !str(at(payload, 'deployment_status', 'state')) ? ['deployment_status.state'] : []),
  ];
  if (missing.length) return { ok: false, missing, message: 'the GitHub deployment payload lacks required fields' };
  const sha = str(at(d, 'sha'));
  const ref = str(at(d, 'ref'));
  const environment = str(at(d, 'environment'));
  const state = withStatus ? str(at(payload, 'deployment_status', 'state'))! : undefined;
  const status = state ? (STATE[state] ?? state.toLowerCase().replace(/[^a-z0-9_]/g, '_')) : 'created';
  const occurredAt =
    str(at(payload, withStatus ? 'deployment_status' : 'deployment', 'created_at')) ?? new Date().toISOString();
  const login =
    str(at(payload, withStatus ? 'deployment_status' : 'deployment', 'creator', 'login')) ??
    str(at(payload, 'sender', 'login'));
  const service = repo.name!;
  const links: EventInput['links'] = [];
  const target =
    str(at(payload, 'deployment_status', 'target_url')) ?? str(at(payload, 'deployment_status', 'log_url'));
  if (target) links.push({ rel: 'logs', url: target, text: 'deployment logs' });
  const envUrl = str(at(payload, 'deployment_status', 'environment_url'));
  if (envUrl) links.push({ rel: 'environment', url: envUrl, text: environment ?? 'environment' });
  if (repo.htmlUrl && sha) links.push({ rel: 'commit', url: `${repo.htmlUrl}/commit/${sha}`, text: sha.slice(0, 7) });
  const verb =
    {
      pending: 'queued',
      started: 'started',
      succeeded: 'succeeded',
      failed: 'failed',
      inactive: 'inactive',
      created: 'created',
    }[status] ?? status;
  const event: EventInput = {
    occurredAt,
    source: 'github',
    kind: 'deploy',
    status,
    severity: status === 'failed' ? 'warning' : 'info',
    service,
    ...(environment && { environment }),
    sourceRefs: { repo: repo.fullName!, deployment: id! },
    title: `Deploy ${service}${ref ? ` ${ref}` : ''}${environment ? ` to ${environment}` : ''} ${verb}`,
    ...((str(at(payload, 'deployment_status', 'description')) ?? str(at(d, 'description')))
      ? {
          description: (str(at(payload, 'deployment_status', 'description')) ?? str(at(d, 'description')))!.slice(
            0,
            4000,
          ),
        }
      : {}),
    links,
    ...(login && { actor: { type: 'user' as const, id: login, name: login } }),
    correlation: {
      deploymentId: `github:${repo.fullName}:${id}`,
      ...(sha && { commitSha: sha }),
      ...(ref && { release: ref }),
    },
    tags: { repo: repo.fullName!.slice(0, 256) },
    dedupeKey: `github:${delivery}`,
  };
  return { ok: true, events: [event] };
}

function releaseEvent(payload: unknown, delivery: string): NormalizeOutcome {
  const action = str(at(payload, 'action'));
  if (!action || !['published', 'released', 'prereleased'].includes(action)) {
    return { ok: true, events: [], ignored: `release action "${action ?? '?'}" is not a change` };
  }
  const repo = repoFields(payload);
  const tag = str(at(payload, 'release', 'tag_name'));
  const missing = [...(tag ? [] : ['release.tag_name']), ...(repo.fullName ? [] : ['repository.full_name'])];
  if (missing.length) return { ok: false, missing, message: 'the GitHub release payload lacks required fields' };
  const url = str(at(payload, 'release', 'html_url'));
  const login = str(at(payload, 'release', 'author', 'login')) ?? str(at(payload, 'sender', 'login'));
  const body = str(at(payload, 'release', 'body'));
  const name = str(at(payload, 'release', 'name'));
  const event: EventInput = {
    occurredAt:
      str(at(payload, 'release', 'published_at')) ??
      str(at(payload, 'release', 'created_at')) ??
      new Date().toISOString(),
    source: 'github',
    kind: 'deploy',
    status: 'released',
    severity: 'info',
    service: repo.name!,
    sourceRefs: { repo: repo.fullName! },
    title: `Release ${name && name !== tag ? `${name} (${tag})` : tag} of ${repo.name}${at(payload, 'release', 'prerelease') === true ? ' (pre-release)' : ''}`,
    ...(body && { description: body.slice(0, 8000) }),
    links: url ? [{ rel: 'release', url, text: tag! }] : [],
    ...(login && { actor: { type: 'user' as const, id: login, name: login } }),
    correlation: {
      release: tag!,
      ...(str(at(payload, 'release', 'target_commitish')) && {
        commitSha: str(at(payload, 'release', 'target_commitish'))!,
      }),
    },
    tags: { repo: repo.fullName!.slice(0, 256) },
    dedupeKey: `github:${delivery}`,
  };
  return { ok: true, events: [event] };
}

export const github: SourcePlugin = {
  id: 'github',
  title: 'GitHub',
  auth: 'hmac',
  verify: (raw, headers, secrets) => verifyGithub(raw, headers, secrets),
  normalize(payload, headers) {
    const kind = headers['x-github-event'];
    const delivery = headers['x-github-delivery'];
    if (!kind)
      return {
        ok: false,
        missing: ['headers.x-github-event'],
        message: 'not a GitHub delivery: no X-GitHub-Event header',
      };
    if (!delivery)
      return {
        ok: false,
        missing: ['headers.x-github-delivery'],
        message: 'no X-GitHub-Delivery header to deduplicate on',
      };
    if (typeof payload !== 'object' || payload === null)
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    if (kind === 'deployment') return deploymentEvent(payload, delivery, false);
    if (kind === 'deployment_status') return deploymentEvent(payload, delivery, true);
    if (kind === 'release') return releaseEvent(payload, delivery);
    return { ok: true, events: [], ignored: `GitHub event "${kind}" is not read by Ballast` };
  },
};
