import api, { NeedsAuthenticationError, route, type Route } from '@forge/api';
import { z } from 'zod';
import { JiraError } from '../../ports/jira';
import type { PermissionsPort } from '../../ports/permissions';

/** `GET /rest/api/3/mypermissions`: only the fields read here. */
export const MyPermissionsSchema = z.looseObject({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean() })),
});

/**
 * PermissionsPort over Jira Cloud REST v3 with `requestJira` as the invoking user (`asUser()`):
 * Jira answers for that user. Without a user who granted the app access, `@forge/api` throws
 * `NeedsAuthenticationError`; it is left to propagate so the platform can ask for consent.
 * One instance per invocation; nothing is cached.
 */
export class ForgePermissions implements PermissionsPort {
  async isJiraAdmin(): Promise<boolean> {
    return this.have(route`/rest/api/3/mypermissions?permissions=ADMINISTER`, 'ADMINISTER');
  }

  async canBrowseIssue(issueId: string): Promise<boolean> {
    const { status } = await this.get(route`/rest/api/3/issue/${issueId}?fields=id`, [403, 404]);
    return status === 200;
  }

  async canEditIssue(issueId: string): Promise<boolean> {
    return this.have(route`/rest/api/3/mypermissions?permissions=EDIT_ISSUES&issueId=${issueId}`, 'EDIT_ISSUES');
  }

  /** true when Jira says the user has `key`; an issue or project that is not visible (404) = false */
  private async have(path: Route, key: string): Promise<boolean> {
    const { status, json } = await this.get(path, [404]);
    if (status === 404) return false;
    const parsed = MyPermissionsSchema.safeParse(json);
    if (!parsed.success) throw new JiraError(`unexpected mypermissions response: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 502);
    return parsed.data.permissions[key]?.havePermission === true;
  }

  /** GET as the user; 2xx and the `denied` statuses answer, anything else is a JiraError */
  private async get(path: Route, denied: number[]): Promise<{ status: number; json: unknown }> {
    let response;
    try {
      response = await api.asUser().requestJira(path, { headers: { Accept: 'application/json' } });
    } catch (error) {
      if (error instanceof NeedsAuthenticationError) throw error;
      throw new JiraError(`network failure: ${error instanceof Error ? error.message : String(error)}`, 0);
    }
    const text = await response.text();
    if (denied.includes(response.status)) return { status: response.status, json: null };
    if (response.status < 200 || response.status >= 300) throw new JiraError(`GET ${path.value} as the user → ${response.status}`, response.status);
    try {
      return { status: response.status, json: text === '' ? null : JSON.parse(text) };
    } catch {
      throw new JiraError(`GET ${path.value} as the user: the answer is not JSON`, 502);
    }
  }
}

/** The permissions of the user invoking the current resolver. */
export function forgePermissions(): PermissionsPort {
  return new ForgePermissions();
}
