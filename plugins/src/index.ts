import type { HookSource } from '@ballast/contract';
import type { SourcePlugin } from './source.js';
import { github } from './sources/github/index.js';

export * from './source.js';

/** Every webhook source the server serves at `/v1/hooks/{source}/{hookId}`. */
export const sourcePlugins: Partial<Record<HookSource, SourcePlugin>> = {
  github,
};
