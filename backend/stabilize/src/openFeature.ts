/**
 * An OpenFeature provider for stabilize mode: while the scope is stabilized (enforcing), the profile's
 * flags evaluate to `false` with reason DISABLED; everything else is answered by the provider the app
 * already uses (or the caller's default). When the set of flags turned off changes, it emits
 * PROVIDER_CONFIGURATION_CHANGED naming them, so the SDK's handlers can react.
 */
import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Logger,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { PolicyClient } from './policyClient.js';

const offFlags = (client: PolicyClient): string[] => (client.mode() === 'enforce' ? client.policy().flags : []);

export class StabilizeFlagProvider implements Provider {
  readonly metadata = { name: 'ballast-stabilize' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private off: string[];
  private readonly onChange = () => {
    const next = offFlags(this.client);
    const changed = [...new Set([...this.off, ...next])].filter((f) => this.off.includes(f) !== next.includes(f));
    this.off = next;
    if (changed.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed });
  };

  constructor(
    private readonly client: PolicyClient,
    /** The provider the app uses for everything stabilize does not turn off. */
    private readonly inner?: Provider,
  ) {
    this.off = offFlags(client);
    client.on('change', this.onChange);
    inner?.events?.addHandler(ProviderEvents.ConfigurationChanged, (details) =>
      this.events.emit(ProviderEvents.ConfigurationChanged, details ?? {}),
    );
  }

  async initialize(context?: EvaluationContext): Promise<void> {
    await this.inner?.initialize?.(context);
  }

  async onClose(): Promise<void> {
    this.client.off('change', this.onChange);
    await this.inner?.onClose?.();
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
    logger: Logger,
  ): Promise<ResolutionDetails<boolean>> {
    if (this.client.flagOff(flagKey)) {
      const { stabilizeId, expiresAt } = this.client.policy();
      return {
        value: false,
        reason: StandardResolutionReasons.DISABLED,
        flagMetadata: { stabilizeId: stabilizeId ?? '', expiresAt: expiresAt ?? '' },
      };
    }
    return this.inner
      ? this.inner.resolveBooleanEvaluation(flagKey, defaultValue, context, logger)
      : { value: defaultValue, reason: StandardResolutionReasons.DEFAULT };
  }

  resolveStringEvaluation(key: string, def: string, ctx: EvaluationContext, logger: Logger) {
    return this.inner
      ? this.inner.resolveStringEvaluation(key, def, ctx, logger)
      : Promise.resolve({ value: def, reason: StandardResolutionReasons.DEFAULT });
  }

  resolveNumberEvaluation(key: string, def: number, ctx: EvaluationContext, logger: Logger) {
    return this.inner
      ? this.inner.resolveNumberEvaluation(key, def, ctx, logger)
      : Promise.resolve({ value: def, reason: StandardResolutionReasons.DEFAULT });
  }

  resolveObjectEvaluation<T extends JsonValue>(key: string, def: T, ctx: EvaluationContext, logger: Logger) {
    return this.inner
      ? this.inner.resolveObjectEvaluation(key, def, ctx, logger)
      : Promise.resolve({ value: def, reason: StandardResolutionReasons.DEFAULT });
  }
}
