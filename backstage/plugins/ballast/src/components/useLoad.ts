import { useCallback, useEffect, useState } from 'react';

export type Load<T> = { status: 'loading' } | { status: 'error'; error: Error } | { status: 'done'; value: T };

/** Runs `load` when its inputs change (and on `reload`); the newest answer wins, older ones are dropped. */
export function useLoad<T>(load: () => Promise<T>, inputs: readonly unknown[]): [Load<T>, () => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  // The caller names the inputs, as with useEffect.
  const run = useCallback(load, inputs);
  useEffect(() => {
    let current = true;
    run().then(
      (value) => current && setState({ status: 'done', value }),
      (error: unknown) =>
        current && setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [run, round]);
  return [state, useCallback(() => setRound((r) => r + 1), [])];
}
