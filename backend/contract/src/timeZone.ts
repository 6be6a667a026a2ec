import { z } from 'zod';

/** An IANA time zone the runtime knows (`Europe/Berlin`, `UTC`): SLO calendar months, freeze windows. */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone (e.g. Europe/Berlin, UTC)');
