import { isRecord, rec, str } from './guards';

/**
 * The configuration the server writes into each page (`<script id="ui-config" type="application/json">`)
 * and the client reads at start.
 */
export type ClientPage =
  | { kind: 'issues'; jql: string }
  | { kind: 'issue'; key: string; panelTitle: string | null }
  | { kind: 'admin' };

export interface ClientConfig {
  siteName: string;
  /**
   * `Basic base64(email:apiToken)` of the site's admin. The sandbox is a loopback-only local
   * platform with fixed, documented credentials, so handing them to the page is acceptable here;
   * a real site would use a session instead.
   */
  authorization: string;
  page: ClientPage;
}

function parsePage(raw: unknown): ClientPage {
  const kind = str(raw, 'kind');
  if (kind === 'issues') return { kind, jql: str(raw, 'jql') ?? '' };
  if (kind === 'issue') {
    const key = str(raw, 'key');
    if (key === undefined) throw new Error('ui-config: page.key is missing');
    const panelTitle = isRecord(raw) && typeof raw['panelTitle'] === 'string' ? raw['panelTitle'] : null;
    return { kind, key, panelTitle };
  }
  if (kind === 'admin') return { kind };
  throw new Error(`ui-config: unknown page kind ${String(kind)}`);
}

/** Parses the boot configuration; throws with a clear message when it is malformed. */
export function parseClientConfig(raw: unknown): ClientConfig {
  const siteName = str(raw, 'siteName');
  const authorization = str(raw, 'authorization');
  if (siteName === undefined || authorization === undefined) throw new Error('ui-config: siteName and authorization are required');
  return { siteName, authorization, page: parsePage(rec(raw, 'page')) };
}
