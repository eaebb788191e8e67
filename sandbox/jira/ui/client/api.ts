import { jiraErrorMessage } from './jira-error';

/** The site's REST API as the page calls it (same origin, Basic auth of the site admin). */

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export interface Api {
  get(path: string): Promise<unknown>;
  post(path: string, body: unknown): Promise<unknown>;
  put(path: string, body: unknown): Promise<unknown>;
  del(path: string): Promise<unknown>;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    return text;
  }
}

export function createApi(authorization: string): Api {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: authorization };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(path, init);
    } catch (err) {
      throw new ApiError(0, `The site did not answer (${err instanceof Error ? err.message : String(err)}).`);
    }
    const data = await readBody(res);
    if (!res.ok) throw new ApiError(res.status, jiraErrorMessage(res.status, data));
    return data;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    del: (path) => call('DELETE', path),
  };
}

/** The message to show for any failure. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
