import { EVENT_LIMITS, type EventInput } from '@ballast/contract';
import { at, str, verifyBearer, type SourcePlugin } from '../../source.js';
import {
  linkOf,
  linksOf,
  nameOf,
  refsOf,
  stringMap,
  timeOf,
  titleOf,
  truncateBytes,
} from '../alertmanager/eventFields.js';

/**
 * Argo CD notifications (https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/)
 * posting the body of `template.ballast-sync` in provisioning/argocd/argocd-notifications-cm.yaml: one
 * `deploy` event when a sync starts and one when it ends, paired by application and operation start.
 * Argo CD's webhook service sends fixed headers and cannot sign, so the hook secret is a bearer token.
 */
export const PAYLOAD_SCHEMA = 'ballast.argocd.v1';

/** operationState.phase → the timeline's status words (started pairs with succeeded/failed). */
const PHASE: Record<string, string> = {
  Running: 'started',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Error: 'failed',
  Terminating: 'terminating',
};

const VERB: Record<string, string> = { started: 'started', succeeded: 'succeeded', failed: 'failed' };

/** A Git commit id (as opposed to a Helm chart version, which goes to `release`). */
const isSha = (s: string) => /^[0-9a-f]{7,64}$/i.test(s);

/** `https://github.com/acme/deploy.git` + sha → the commit page, for the forges that share that path. */
function commitUrl(repoURL: string | undefined, sha: string | undefined): string | undefined {
  if (!repoURL || !sha || !isSha(sha) || !/^https:\/\/(github\.com|gitlab\.com)\//.test(repoURL)) return undefined;
  return `${repoURL.replace(/\.git$/, '').replace(/\/+$/, '')}/commit/${sha}`;
}

export const argocd: SourcePlugin = {
  id: 'argocd',
  title: 'Argo CD',
  auth: 'bearer',
  verify: (_raw, headers, secrets) => verifyBearer(headers, secrets),
  normalize(payload) {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    const app = str(at(payload, 'app'));
    const phase = str(at(payload, 'phase'));
    const startedAt = timeOf(at(payload, 'startedAt'));
    const missing = [...(app ? [] : ['app']), ...(phase ? [] : ['phase']), ...(startedAt ? [] : ['startedAt'])];
    if (missing.length)
      return {
        ok: false,
        missing,
        message: `the Argo CD notification lacks required fields; send the ${PAYLOAD_SCHEMA} template from provisioning/argocd`,
      };
    const status =
      PHASE[phase!] ??
      phase!
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_')
        .replace(/^[^a-z]+/, '')
        .slice(0, 32);
    if (!status) return { ok: false, missing: ['phase'], message: `unknown Argo CD operation phase "${phase}"` };
    const appNamespace = str(at(payload, 'appNamespace')) ?? 'argocd';
    const labels = stringMap(at(payload, 'labels'));
    const service = nameOf(labels.service) ?? nameOf(app);
    const environment = nameOf(labels.env) ?? nameOf(labels.environment);
    const revision = str(at(payload, 'revision'));
    const repoURL = str(at(payload, 'repoURL'));
    const project = str(at(payload, 'project'));
    const destNamespace = str(at(payload, 'destination', 'namespace'));
    const cluster = str(at(payload, 'destination', 'name')) ?? str(at(payload, 'destination', 'server'));
    const user = str(at(payload, 'initiatedBy'));
    const automated = at(payload, 'automated') === true;
    const message = str(at(payload, 'message'));
    const ended = status !== 'started' && status !== 'terminating';
    const occurredAt = ended ? (timeOf(at(payload, 'finishedAt')) ?? new Date().toISOString()) : startedAt!;
    const sha = revision && isSha(revision) ? revision : undefined;
    const target = environment ?? destNamespace;
    const startedRaw = str(at(payload, 'startedAt'))!.slice(0, 64);
    const appRef = `${appNamespace}/${app}`.slice(0, 180);
    const event: EventInput = {
      occurredAt,
      source: 'argocd',
      kind: 'deploy',
      status,
      severity: status === 'failed' ? 'warning' : 'info',
      ...(service && { service }),
      ...(environment && { environment }),
      sourceRefs: refsOf({ app, appNamespace, project, revision, phase }),
      title: titleOf(
        `Sync ${app}${target ? ` to ${target}` : ''} ${VERB[status] ?? status}${revision ? ` (${isSha(revision) ? revision.slice(0, 7) : revision})` : ''}`,
      ),
      ...(message && { description: truncateBytes(message, EVENT_LIMITS.descriptionBytes) }),
      links: linksOf(
        linkOf('argocd', at(payload, 'url'), 'Argo CD application'),
        linkOf('commit', commitUrl(repoURL, sha), sha?.slice(0, 7)),
        linkOf('repository', repoURL, 'repository'),
      ),
      ...(user
        ? { actor: { type: 'user' as const, id: user.slice(0, 256), name: user.slice(0, 256) } }
        : automated
          ? { actor: { type: 'system' as const, id: 'argocd-automated-sync', name: 'Argo CD automated sync' } }
          : {}),
      tags: Object.fromEntries(
        Object.entries({
          project,
          sync_status: str(at(payload, 'syncStatus')),
          health: str(at(payload, 'health')),
          namespace: destNamespace,
          cluster,
          target_revision: str(at(payload, 'targetRevision')),
        })
          .filter((e): e is [string, string] => e[1] !== undefined)
          .map(([k, v]) => [k, v.slice(0, EVENT_LIMITS.tagValueChars)]),
      ),
      correlation: {
        // One sync operation: its start and its end share this id, so they pair into a range.
        deploymentId: `argocd:${appRef}:${startedRaw}`,
        ...(sha ? { commitSha: sha } : revision ? { release: revision.slice(0, 256) } : {}),
      },
      dedupeKey: `argocd:${appRef}:${startedRaw}:${phase!.slice(0, 32)}`,
    };
    return { ok: true, events: [event] };
  },
};
