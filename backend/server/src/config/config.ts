import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { StabilizeConfig } from '../stabilize/policy.js';
import { GateConfig } from '../gate/freezeWindows.js';
import { NotificationsConfig } from '../stabilize/notifications.js';
import { ActuatorRetryConfig, ActuatorsConfig } from '../stabilize/actuators.js';

/** Server configuration: validated once at start; a wrong value stops the process with one line. */
export const Config = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(4680),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  bootstrapAdminKey: z.string().min(24, 'must be at least 24 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  bodyLimitBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** How long shutdown waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs: z.coerce.number().int().min(0).default(10_000),
  /** PostgreSQL pool size per process. */
  databasePoolMax: z.coerce.number().int().min(1).max(100).default(10),
  /** Prometheus that SLIs of kind ratio, latency and boolean are read from (and histogram buckets checked against). */
  prometheusUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Sent as `Authorization: Bearer …` to Prometheus. */
  prometheusBearerToken: z.string().min(1).optional(),
  /** `user:password` for basic auth to Prometheus. */
  prometheusBasicAuth: z
    .string()
    .regex(/^[^:]+:.*$/, 'must be user:password')
    .optional(),
  prometheusTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  /** SLO files (native, OpenSLO, Sloth) reconciled into the default tenant on each evaluation tick. */
  sloDir: z.string().min(1).optional(),
  /** How often SLOs are evaluated for events (tiers firing, budget levels); 0 turns it off. */
  sloEvaluationIntervalMs: z.coerce.number().int().min(0).default(60_000),
  /** Stabilize policy per environment: approvals, TTLs (ballast.config.yaml only; see docs/stabilize.md). */
  stabilize: StabilizeConfig,
  /** Who hears about stabilize mode: Slack and signed webhooks (ballast.config.yaml only; see docs/stabilize.md). */
  notifications: NotificationsConfig,
  /** Where stabilizes are delivered beyond the SDK: flag services, signed webhooks (ballast.config.yaml only; see docs/stabilize.md). */
  actuators: ActuatorsConfig,
  /** How a failed actuator step is retried before it waits for a person. */
  actuatorRetry: ActuatorRetryConfig,
  /** Grafana's signing keys (`<grafana>/api/signing-keys/keys`): forwarded ID tokens are then verified. */
  grafanaJwksUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** The `iss` Grafana's ID tokens must carry (its root URL); not checked when unset. */
  grafanaIssuer: z.string().min(1).optional(),
  /** The `aud` Grafana's ID tokens must carry (e.g. `org:1`); not checked when unset. */
  grafanaAudience: z.string().min(1).optional(),
  /** How people reach this server (links in notifications when no UI link is configured). */
  publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Deploy gate: freeze windows (ballast.config.yaml only; see docs/stabilize.md). */
  gate: GateConfig,
  /** A folder of stabilize profiles as code (YAML or JSON, one scope per file), followed for edits. */
  stabilizeProfilesDir: z.string().min(1).optional(),
  /** How often each replica ends stabilizes whose time is up (they are also over at read time, to the ms). */
  stabilizeSweepIntervalMs: z.coerce.number().int().min(100).default(5_000),
  /**
   * Runbook folders (relative to the working directory), comma-separated in the environment; unset,
   * `./runbooks` where it exists at start (runbooks/folder.ts).
   */
  runbooksDirs: z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : v,
      z.array(z.string().min(1)),
    )
    .optional(),
  /** Catalog entries as YAML files (one or more documents each), reconciled into the default tenant. */
  catalogDir: z.string().min(1).optional(),
  /** How often the runbook folders (and the catalog folder) are checked for changed files; 0 reads them at start only. */
  runbooksPollMs: z.coerce.number().int().min(0).default(2000),
  /** PagerDuty REST API key for live on-call; without it, services use their static rotations. */
  pagerdutyToken: z.string().min(1).optional(),
  pagerdutyApiUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://api.pagerduty.com'),
  /** Secrets of each source's `default` hook, from BALLAST_SOURCE_<SOURCE>_SECRETS (comma-separated). */
  sourceSecrets: z
    .record(z.string(), z.array(z.string().min(16, 'hook secrets must be at least 16 characters')))
    .default({}),
});
export type Config = z.infer<typeof Config>;

const envNames: Record<keyof Config, string> = {
  host: 'BALLAST_HOST',
  port: 'BALLAST_PORT',
  dataDir: 'BALLAST_DATA_DIR',
  databaseUrl: 'BALLAST_DATABASE_URL',
  bootstrapAdminKey: 'BALLAST_BOOTSTRAP_ADMIN_KEY',
  logLevel: 'BALLAST_LOG_LEVEL',
  bodyLimitBytes: 'BALLAST_BODY_LIMIT_BYTES',
  shutdownTimeoutMs: 'BALLAST_SHUTDOWN_TIMEOUT_MS',
  databasePoolMax: 'BALLAST_DATABASE_POOL_MAX',
  sourceSecrets: 'BALLAST_SOURCE_<SOURCE>_SECRETS',
  runbooksDirs: 'BALLAST_RUNBOOKS_DIRS',
  runbooksPollMs: 'BALLAST_RUNBOOKS_POLL_MS',
  catalogDir: 'BALLAST_CATALOG_DIR',
  pagerdutyToken: 'BALLAST_PAGERDUTY_TOKEN',
  pagerdutyApiUrl: 'BALLAST_PAGERDUTY_API_URL',
  prometheusUrl: 'BALLAST_PROMETHEUS_URL',
  prometheusBearerToken: 'BALLAST_PROMETHEUS_BEARER_TOKEN',
  prometheusBasicAuth: 'BALLAST_PROMETHEUS_BASIC_AUTH',
  prometheusTimeoutMs: 'BALLAST_PROMETHEUS_TIMEOUT_MS',
  sloEvaluationIntervalMs: 'BALLAST_SLO_EVALUATION_INTERVAL_MS',
  sloDir: 'BALLAST_SLO_DIR',
  stabilize: 'stabilize in ballast.config.yaml',
  gate: 'gate in ballast.config.yaml',
  notifications: 'notifications in ballast.config.yaml',
  actuators: 'actuators in ballast.config.yaml',
  actuatorRetry: 'actuatorRetry in ballast.config.yaml',
  publicUrl: 'BALLAST_PUBLIC_URL',
  grafanaJwksUrl: 'BALLAST_GRAFANA_JWKS_URL',
  grafanaIssuer: 'BALLAST_GRAFANA_ISSUER',
  grafanaAudience: 'BALLAST_GRAFANA_AUDIENCE',
  stabilizeSweepIntervalMs: 'BALLAST_STABILIZE_SWEEP_INTERVAL_MS',
  stabilizeProfilesDir: 'BALLAST_STABILIZE_PROFILES_DIR',
};

export class ConfigError extends Error {}

/**
 * Reads `ballast.config.yaml` (or the file named by BALLAST_CONFIG), then lets environment variables
 * override it. Empty environment values count as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const file = env.BALLAST_CONFIG ? resolve(cwd, env.BALLAST_CONFIG) : resolve(cwd, 'ballast.config.yaml');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`config ${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed))
        throw new ConfigError(`config ${file}: must be a mapping`);
      fromFile = parsed as Record<string, unknown>;
    }
  } else if (env.BALLAST_CONFIG) {
    throw new ConfigError(`config ${file}: file not found (BALLAST_CONFIG)`);
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, name] of Object.entries(envNames)) {
    const value = env[name];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  for (const [name, value] of Object.entries(env)) {
    const m = /^BALLAST_SOURCE_([A-Z0-9]+)_SECRETS$/.exec(name);
    if (!m || !value) continue;
    const secrets = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    merged.sourceSecrets = { ...(merged.sourceSecrets as object), [m[1]!.toLowerCase()]: secrets };
  }
  const result = Config.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const where =
      key === 'sourceSecrets' && issue.path[1] !== undefined
        ? `sourceSecrets (BALLAST_SOURCE_${String(issue.path[1]).toUpperCase()}_SECRETS)`
        : key in envNames
          ? `${key} (${envNames[key as keyof Config]})`
          : key || 'config';
    // Inside a list or a section of the file, the field at fault too: `actuators.1.url`.
    const inner = issue.path.length > 1 && key !== 'sourceSecrets' ? ` at ${issue.path.join('.')}` : '';
    throw new ConfigError(`config ${where}${inner}: ${issue.message}`);
  }
  return result.data;
}
