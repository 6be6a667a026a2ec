import { useEffect, useRef } from 'react';

/**
 * Calls `action` when `value` changes from its first value, at most once per `ms`: a change inside
 * that time is answered when it ends (one call for all the changes in between).
 */
export function useThrottledCall(value: unknown, action: () => void, ms: number): void {
  const first = useRef(value);
  const last = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    if (Object.is(value, first.current)) return undefined;
    const timer = setTimeout(
      () => {
        last.current = Date.now();
        action();
      },
      Math.max(0, last.current + ms - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [value, action, ms]);
}
