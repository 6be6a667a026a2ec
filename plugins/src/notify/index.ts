export * from './notifier.js';
export * from './slack.js';
export * from './webhook.js';
