/**
 * Actuators as configuration: one zod schema per kind, a discriminated union on `type`, and the factory
 * that builds an `Actuator` from one entry. The server validates its list at start (a wrong entry stops
 * it with one clear line) and drives `apply` / `revert` from the stabilize state machine.
 */
import { z } from 'zod';
import type { Actuator } from './actuator.js';
import { launchDarklyActuator } from './launchdarkly.js';
import { unleashActuator } from './unleash.js';
import { webhookActuator } from './webhook.js';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const Key = z.string().trim().min(1).max(256);
const Name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .describe('How acknowledgements and logs name this actuator; unique in the list');
const TimeoutMs = z.number().int().min(100).max(120_000).describe('Limit of each request, in ms (default 10 000)');

export const WebhookActuatorConfig = z.strictObject({
  type: z.literal('webhook'),
  url: HttpUrl,
  secret: z.string().min(16, 'use a secret of at least 16 characters'),
  name: Name.optional(),
  timeoutMs: TimeoutMs.optional(),
});

export const UnleashActuatorConfig = z.strictObject({
  type: z.literal('unleash'),
  /** Unleash's base URL (with its base path, if any). */
  url: HttpUrl,
  apiToken: z.string().min(1),
  project: Key.default('default'),
  environment: Key,
  name: Name.optional(),
  timeoutMs: TimeoutMs.optional(),
});

export const LaunchDarklyActuatorConfig = z.strictObject({
  type: z.literal('launchdarkly'),
  baseUrl: HttpUrl.default('https://app.launchdarkly.com'),
  apiToken: z.string().min(1),
  projectKey: Key,
  environmentKey: Key,
  name: Name.optional(),
  timeoutMs: TimeoutMs.optional(),
});

export const ActuatorConfig = z.discriminatedUnion('type', [
  WebhookActuatorConfig,
  UnleashActuatorConfig,
  LaunchDarklyActuatorConfig,
]);
/** A validated entry (defaults filled in). */
export type ActuatorConfig = z.output<typeof ActuatorConfig>;
/** An entry as written (defaults may be left out). */
export type ActuatorConfigInput = z.input<typeof ActuatorConfig>;

/** The name an entry's actuator goes by: its `name`, or `webhook:<host>`, `unleash:<environment>`, `launchdarkly:<environmentKey>`. */
export function actuatorName(config: ActuatorConfigInput): string {
  if (config.name) return config.name.trim();
  switch (config.type) {
    case 'webhook':
      return `webhook:${new URL(config.url).host}`;
    case 'unleash':
      return `unleash:${config.environment.trim()}`;
    case 'launchdarkly':
      return `launchdarkly:${config.environmentKey.trim()}`;
  }
}

/** A list of entries whose actuators' names are unique (acknowledgements are recorded by name). */
export const ActuatorConfigList = z.array(ActuatorConfig).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((c, i) => {
    const name = actuatorName(c);
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `"${name}" is also the name of entry ${first}: give one of them a distinct name`,
      });
    } else seen.set(name, i);
  });
});

/** Builds the actuator of one entry; validates it first (throws zod's error on a bad entry). */
export function createActuator(input: ActuatorConfigInput): Actuator {
  const config = ActuatorConfig.parse(input);
  const name = actuatorName(config);
  switch (config.type) {
    case 'webhook':
      return webhookActuator(config.url, config.secret, { name, timeoutMs: config.timeoutMs });
    case 'unleash':
      return unleashActuator({ ...config, name });
    case 'launchdarkly':
      return launchDarklyActuator({ ...config, name });
  }
}

/** Builds every entry's actuator; validates the list first (names unique). */
export function createActuators(input: ActuatorConfigInput[]): Actuator[] {
  return ActuatorConfigList.parse(input).map((c) => createActuator(c));
}
