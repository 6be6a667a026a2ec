export * from './actuator.js';
export * from './config.js';
export * from './flagActuator.js';
export * from './launchdarkly.js';
export * from './unleash.js';
export * from './webhook.js';
