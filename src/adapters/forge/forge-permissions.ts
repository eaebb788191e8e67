import forgeApi, { NeedsAuthenticationError, route, type APIResponse, type RequestInit, type Route } from '@forge/api';
import { z } from 'zod';
import { JiraError } from '../../ports/jira';
import type { PermissionsPort } from '../../ports/permissions';

/** `GET /rest/api/3/mypermissions`: only the fields read here. */
export const MyPermissionsSchema = z.looseObject({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean() })),
});

const READ_JSON = { Accept: 'application/json' };

/** The part of @forge/api a permission check uses: `api.asUser().requestJira`. */
interface UserApi {
  asUser(): { requestJira(path: Route, init: RequestInit): Promise<APIResponse> };
}

/**
 * PermissionsPort over Jira Cloud REST v3 with `requestJira` as the invoking user (`asUser()`):
 * Jira answers for that user. Without a user who granted the app access, `@forge/api` throws
 * `NeedsAuthenticationError`; it is left to propagate so the platform can ask for consent.
 * One instance per invocation; nothing is cached.
 *
 * Each request is written out as `api.asUser().requestJira(route`…`, { method, … })` so that
 * `forge lint` sees it and checks the scopes it needs (tools/forge/lint.ts).
 */
export class ForgePermissions implements PermissionsPort {
  async isJiraAdmin(): Promise<boolean> {
    return this.have((api) => api.asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`, { method: 'GET', headers: READ_JSON }), 'ADMINISTER');
  }

  async canBrowseIssue(issueId: string): Promise<boolean> {
    const { status } = await this.get((api) => api.asUser().requestJira(route`/rest/api/3/issue/${issueId}?fields=id`, { method: 'GET', headers: READ_JSON }), [403, 404]);
    return status === 200;
  }

  async canEditIssue(issueId: string): Promise<boolean> {
    return this.have((api) => api.asUser().requestJira(route`/rest/api/3/mypermissions?permissions=EDIT_ISSUES&issueId=${issueId}`, { method: 'GET', headers: READ_JSON }), 'EDIT_ISSUES');
  }

  /** true when Jira says the user has `key`; an issue or project that is not visible (404) = false */
  private async have(call: (api: UserApi) => Promise<APIResponse>, key: string): Promise<boolean> {
    const { status, json } = await this.get(call, [404]);
    if (status === 404) return false;
    const parsed = MyPermissionsSchema.safeParse(json);
    if (!parsed.success) throw new JiraError(`unexpected mypermissions response: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 502);
    return parsed.data.permissions[key]?.havePermission === true;
  }

  /**
   * Makes one call as the user and reads the answer: 2xx and the `denied` statuses answer,
   * anything else is a JiraError. `call` gets the api to request with, which notes the request
   * (`GET /rest/api/3/…`) for the error messages.
   */
  private async get(call: (api: UserApi) => Promise<APIResponse>, denied: number[]): Promise<{ status: number; json: unknown }> {
    let requestLine: string | undefined;
    const api: UserApi = {
      asUser: () => ({
        requestJira: (path, init) => {
          requestLine = `${init.method ?? 'GET'} ${path.value}`;
          return forgeApi.asUser().requestJira(path, init);
        },
      }),
    };
    let response;
    try {
      response = await call(api);
    } catch (error) {
      if (error instanceof NeedsAuthenticationError) throw error;
      throw new JiraError(`network failure: ${error instanceof Error ? error.message : String(error)}`, 0);
    }
    if (requestLine === undefined) throw new Error('a permission check must make its request through the api it is given');
    const text = await response.text();
    if (denied.includes(response.status)) return { status: response.status, json: null };
    if (response.status < 200 || response.status >= 300) throw new JiraError(`${requestLine} as the user → ${response.status}`, response.status);
    try {
      return { status: response.status, json: text === '' ? null : JSON.parse(text) };
    } catch {
      throw new JiraError(`${requestLine} as the user: the answer is not JSON`, 502);
    }
  }
}

/** The permissions of the user invoking the current resolver. */
export function forgePermissions(): PermissionsPort {
  return new ForgePermissions();
}
