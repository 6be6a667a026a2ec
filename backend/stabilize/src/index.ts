export * from './policyClient.js';
export * from './tokenBucket.js';
export * from './clamp.js';
export * from './middleware.js';
export * from './openFeature.js';
