import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabSpec {
  id: string;
  label: string;
}

/**
 * Tabs after @atlaskit/tabs and the WAI-ARIA tabs pattern: arrow keys, Home and End move between
 * tabs; only the selected tab is in the Tab order; the panel is labelled by its tab.
 */
export function Tabs({ tabs, selected, onSelect, label, children }: {
  tabs: readonly TabSpec[];
  selected: string;
  onSelect: (id: string) => void;
  label: string;
  children: ReactNode;
}) {
  const base = useId();
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const move = (event: KeyboardEvent, index: number) => {
    const next = event.key === 'ArrowRight' ? index + 1
      : event.key === 'ArrowLeft' ? index - 1
      : event.key === 'Home' ? 0
      : event.key === 'End' ? tabs.length - 1
      : null;
    if (next === null) return;
    event.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length];
    if (target === undefined) return;
    onSelect(target.id);
    refs.current[target.id]?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label={label} className="ts-tabs">
        {tabs.map((tab, index) => (
          <button
            key={tab.id}
            ref={(el) => { refs.current[tab.id] = el; }}
            id={`${base}-tab-${tab.id}`}
            role="tab"
            type="button"
            className="ts-tab"
            aria-selected={tab.id === selected}
            aria-controls={`${base}-panel`}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => onSelect(tab.id)}
            onKeyDown={(e) => move(e, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${selected}`}>
        {children}
      </div>
    </div>
  );
}
