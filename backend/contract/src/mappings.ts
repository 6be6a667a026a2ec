import { z } from 'zod';
import { Source } from './event.js';

const Name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'must start with a letter or digit and hold only letters, digits, . _ - /');

/**
 * "Events from this sender id belong to this service": a Sentry project, a PagerDuty service, a GitHub
 * repository, an Alertmanager label value. Applied when events arrive and again when they are read,
 * so a mapping added today also places yesterday's events.
 */
export const ServiceMapping = z.strictObject({
  source: Source,
  /** The `sourceRefs` key the source writes, e.g. `repo`, `project`, `service`. */
  refKey: z.string().min(1).max(48),
  refValue: z.string().min(1).max(256),
  service: Name,
  environment: Name.optional(),
});
export type ServiceMapping = z.infer<typeof ServiceMapping>;

export const ServiceMappingList = z.object({ mappings: z.array(ServiceMapping) });

export const ServiceMappingKey = z.strictObject({
  source: Source,
  refKey: z.string().min(1).max(48),
  refValue: z.string().min(1).max(256),
});
