export * from './actuator.js';
export * from './webhook.js';
