import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from './app-context.ts';
import { clearDraft, loadDraft, saveDraft } from './session.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
  setData(data: T): void;
}

/** Loads on mount and whenever `deps` change; `reload()` after an action. Stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (caught) {
      if (mine !== generation.current) return;
      setError(caught);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, deps);

  return { data, error, loading, reload, setData };
}

/**
 * State kept in this tab's sessionStorage under the signed-in person while they type (nothing is lost on
 * an error, a reload or a dropped connection); `clear()` once it is sent. Signing out clears every draft.
 */
export function useDraft<T>(name: string, initial: () => T): [T, (next: T) => void, () => void] {
  const { session } = useApp();
  const [value, setValue] = useState<T>(() => loadDraft<T>(session.sub, name) ?? initial());
  const set = useCallback(
    (next: T) => {
      setValue(next);
      saveDraft(session.sub, name, next);
    },
    [session.sub, name],
  );
  const clear = useCallback(() => {
    clearDraft(session.sub, name);
    setValue(initial());
  }, [session.sub, name]);
  return [value, set, clear];
}

/**
 * A one-click action (accept, resume, mark done): its failure, cleared when it is tried again. `run` resolves
 * either way; `onError` runs after a failure (e.g. to reload what the action was based on).
 */
export function useAction(): {
  failure: unknown;
  run: (action: () => Promise<void>, onError?: () => void) => Promise<void>;
} {
  const [failure, setFailure] = useState<unknown>(undefined);
  const run = async (action: () => Promise<void>, onError?: () => void) => {
    setFailure(undefined);
    try {
      await action();
    } catch (error) {
      setFailure(error);
      onError?.();
    }
  };
  return { failure, run };
}
