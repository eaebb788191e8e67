import type { RenderNode } from './adf-render';

/**
 * DOM building for the client. Data only ever reaches the page as text nodes or as values of
 * allow-listed attributes, never as markup (no innerHTML anywhere in the client).
 */

export interface ElProps {
  id?: string;
  testid?: string;
  className?: string;
  attrs?: Record<string, string>;
}

export type Child = Node | string;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElProps = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.id !== undefined) el.id = props.id;
  if (props.testid !== undefined) el.setAttribute('data-testid', props.testid);
  if (props.className !== undefined) el.className = props.className;
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  for (const child of children) el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return el;
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, children: Child[]): void {
  parent.replaceChildren(...children.map((c) => (typeof c === 'string' ? document.createTextNode(c) : c)));
}

/** Builds DOM nodes from the ADF render model. */
export function renderModelToDom(nodes: RenderNode[]): Node[] {
  return nodes.map((node): Node => {
    if (node.kind === 'text') return document.createTextNode(node.text);
    const el = document.createElement(node.tag);
    const { href, class: cls, start } = node.attrs;
    if (href !== undefined) {
      el.setAttribute('href', href);
      if (!href.startsWith('/')) {
        el.setAttribute('rel', 'noopener noreferrer');
        el.setAttribute('target', '_blank');
      }
    }
    if (cls !== undefined) el.className = cls;
    if (start !== undefined) el.setAttribute('start', start);
    const adfType = node.attrs['data-adf-type'];
    if (adfType !== undefined) el.setAttribute('data-adf-type', adfType);
    el.append(...renderModelToDom(node.children));
    return el;
  });
}

/** Finds a required element by id, typed by its constructor. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`web UI: element #${id} is missing`);
  return el;
}

/** Shows `message` in an alert element, or hides it when null. */
export function showMessage(el: HTMLElement, message: string | null): void {
  el.textContent = message ?? '';
  el.hidden = message === null;
}
