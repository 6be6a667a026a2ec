// A read that follows its inputs: loading, then the value or the error; a newer read aborts the older.
import { useEffect, useState } from 'react';

export type Load<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'error'; error: Error };

export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    const ac = new AbortController();
    setLoad({ state: 'loading' });
    fn(ac.signal).then(
      (value) => !ac.signal.aborted && setLoad({ state: 'done', value }),
      (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ac.abort();
  }, deps);
  return load;
}
