import type { ReactNode } from 'react';

export type LozengeAppearance = 'default' | 'success' | 'removed' | 'moved' | 'inprogress';

/** A status lozenge styled like @atlaskit/lozenge. */
export function Lozenge({ appearance = 'default', children }: { appearance?: LozengeAppearance; children: ReactNode }) {
  return <span className={appearance === 'default' ? 'ts-lozenge' : `ts-lozenge ts-lozenge--${appearance}`}>{children}</span>;
}
