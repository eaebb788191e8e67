/**
 * Where a page keeps its selected tab across a reload of the page around it. The admin page keeps
 * it in the frame's sessionStorage (per browser tab, kept over reloads: the iframe's own URL is
 * reset to the module's address when the host page reloads, so its hash would be lost).
 */
export interface TabMemory {
  read(): string | null;
  write(tab: string): void;
}

/** A TabMemory in `storage` under `key`. */
export function storageTabMemory(storage: Pick<Storage, 'getItem' | 'setItem'>, key: string): TabMemory {
  return {
    read: () => storage.getItem(key),
    write: (tab) => storage.setItem(key, tab),
  };
}
