import { isRecord } from './guards';

/**
 * Lets an embedded app page (admin page, issue panel) ask the host page for a height, as Forge's
 * host resizes Custom UI frames: the frame posts `{ type: 'sandbox-ui:resize', height: <px> }` to
 * its parent. Only messages coming from one of the page's own iframes are honoured.
 */

export const RESIZE_MESSAGE = 'sandbox-ui:resize';
const MAX_HEIGHT = 20000;

/** The height asked for by a resize message, or null when `data` is not a valid one. */
export function resizeHeight(data: unknown): number | null {
  if (!isRecord(data) || data['type'] !== RESIZE_MESSAGE) return null;
  const height = data['height'];
  if (typeof height !== 'number' || !Number.isFinite(height) || height < 0 || height > MAX_HEIGHT) return null;
  return Math.ceil(height);
}

export function listenForFrameResize(): void {
  window.addEventListener('message', (event) => {
    const height = resizeHeight(event.data);
    if (height === null) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow !== null && frame.contentWindow === event.source) frame.style.height = `${height}px`;
    }
  });
}
