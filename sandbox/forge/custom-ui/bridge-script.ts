import { THEME_ATTRIBUTE } from './tokens-css';

/** id of the JSON data block that carries the page's context into the bridge script */
export const CONTEXT_ELEMENT_ID = 'forge-sandbox-context';
/** message the frame posts to its parent to be resized (the sandbox site's frame protocol) */
export const RESIZE_MESSAGE = 'sandbox-ui:resize';

/**
 * The host side of `@forge/bridge`, injected into every Custom UI page before the app's own
 * scripts. The unmodified `@forge/bridge` looks for `window.__bridge.callBridge(name, args)` when
 * it loads; this script provides it:
 *   - `invoke` {functionKey, payload} → POST `invokeUrl` with `{moduleKey, functionKey, payload,
 *     context}` → resolves `result`, rejects with the error message the resolver threw;
 *   - `getContext` → the module and issue context the page was opened with;
 *   - `enableTheming` → loads the design tokens and marks <html> with the theme;
 * anything else rejects with a clear "not supported" error. It also asks the parent page for a
 * frame height whenever the page's height changes, as Jira's host does for Custom UI frames.
 * Plain ES2020, no build step: this text is served as is.
 */
export const BRIDGE_SCRIPT = `(() => {
  'use strict';
  const dataElement = document.getElementById(${JSON.stringify(CONTEXT_ELEMENT_ID)});
  if (dataElement === null) throw new Error('Forge sandbox bridge: the page has no context block.');
  const data = JSON.parse(dataElement.textContent || '{}');
  const context = data.context;
  const copy = (value) => JSON.parse(JSON.stringify(value));

  async function invoke(args) {
    if (!args || typeof args.functionKey !== 'string') throw new Error('invoke needs a functionKey');
    const response = await fetch(data.invokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({
        moduleKey: context.moduleKey,
        functionKey: args.functionKey,
        payload: args.payload === undefined ? {} : args.payload,
        context: { accountId: context.accountId, localId: context.localId, extension: context.extension },
      }),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new Error('The sandbox answered ' + response.status + ' without JSON.');
    }
    if (!response.ok || (body && body.error)) {
      const message = body && body.error && typeof body.error.message === 'string' ? body.error.message : 'HTTP ' + response.status;
      throw new Error(message);
    }
    return body.result;
  }

  function enableTheming() {
    if (document.getElementById('forge-sandbox-tokens') === null) {
      const link = document.createElement('link');
      link.id = 'forge-sandbox-tokens';
      link.rel = 'stylesheet';
      link.href = data.tokensUrl;
      document.head.appendChild(link);
    }
    document.documentElement.setAttribute('data-theme', ${JSON.stringify(THEME_ATTRIBUTE)});
    document.documentElement.setAttribute('data-color-mode', 'light');
  }

  const handlers = {
    invoke,
    getContext: () => copy(context),
    enableTheming,
  };

  window.__bridge = {
    callBridge(name, args) {
      const handler = Object.prototype.hasOwnProperty.call(handlers, name) ? handlers[name] : undefined;
      if (handler === undefined) return Promise.reject(new Error('The sandbox host does not support ' + name + '.'));
      try {
        return Promise.resolve(handler(args));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };

  if (window.parent !== window) {
    // The content height, counting open modal dialogs (fixed position, outside the flow).
    let last = -1;
    let queued = false;
    const measure = () => {
      let height = document.body ? document.body.scrollHeight : document.documentElement.scrollHeight;
      for (const dialog of document.querySelectorAll('[aria-modal="true"]')) {
        height = Math.max(height, Math.ceil(dialog.getBoundingClientRect().bottom + window.scrollY) + 16);
      }
      return Math.ceil(height);
    };
    const report = () => {
      queued = false;
      const height = measure();
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: ${JSON.stringify(RESIZE_MESSAGE)}, height }, window.location.origin);
    };
    const schedule = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(report);
    };
    const start = () => {
      new ResizeObserver(schedule).observe(document.body);
      new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true, attributes: true });
      report();
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})();
`;
