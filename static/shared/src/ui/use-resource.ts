import { useCallback, useEffect, useRef, useState } from 'react';
import { readableMessage } from '../api/resolver-error';

export interface Resource<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** loads again; resolves when the load finished (the view is updated by then) */
  reload: () => Promise<void>;
}

/**
 * Loads `load()` on mount and on `reload()`, and again every `pollMs` while the page is open
 * (the admin page refreshes without reloading). Answers of an older load never overwrite a newer one.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[], pollMs?: number): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
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
      setError(null);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(readableMessage(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setData(null);
    setError(null);
    void reload();
    return () => { generation.current++; };
  }, [...deps, reload]);

  useEffect(() => {
    if (pollMs === undefined) return undefined;
    const timer = setInterval(() => { void reload(); }, pollMs);
    return () => clearInterval(timer);
  }, [pollMs, reload]);

  return { data, error, loading, reload };
}
