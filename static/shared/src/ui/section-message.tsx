import type { ReactNode } from 'react';

export type MessageAppearance = 'information' | 'warning' | 'error' | 'success';

/** A message box styled like @atlaskit/section-message; errors are announced (role=alert). */
export function SectionMessage({ appearance = 'information', title, children }: {
  appearance?: MessageAppearance;
  title?: string;
  children?: ReactNode;
}) {
  return (
    <div className={`ts-message ts-message--${appearance}`} role={appearance === 'error' ? 'alert' : 'status'}>
      <div className="ts-stack" style={{ gap: 4 }}>
        {title === undefined ? null : <div className="ts-message-title">{title}</div>}
        {children === undefined ? null : <div>{children}</div>}
      </div>
    </div>
  );
}
