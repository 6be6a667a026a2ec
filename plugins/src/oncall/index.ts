export * from './provider.js';
export { pagerDutyOnCall, peopleFromOnCalls, type PagerDutyOptions } from './pagerduty.js';
export { staticOnCall, shiftMs, type StaticRotation } from './static.js';
