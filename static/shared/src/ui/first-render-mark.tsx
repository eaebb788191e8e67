import { useEffect, type ReactNode } from 'react';

/** Marks the page's first committed render (`performance.mark(name)`), read by the browser tests. */
export function FirstRenderMark({ name, children }: { name: string; children: ReactNode }) {
  useEffect(() => {
    performance.mark(name);
  }, [name]);
  return <>{children}</>;
}
