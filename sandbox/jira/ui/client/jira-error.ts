import { arr, isRecord, rec } from './guards';

/**
 * A readable message from a Jira error response (`{errorMessages: [], errors: {field: message}}`),
 * e.g. "Error in the JQL Query: ... (400)". Falls back to the status line.
 */
export function jiraErrorMessage(status: number, body: unknown): string {
  const messages = arr(body, 'errorMessages').filter((m): m is string => typeof m === 'string' && m !== '');
  const errors = rec(body, 'errors');
  if (errors !== undefined) {
    for (const [field, message] of Object.entries(errors)) {
      if (typeof message === 'string' && message !== '') messages.push(`${field}: ${message}`);
    }
  }
  if (messages.length === 0 && isRecord(body) && typeof body['message'] === 'string' && body['message'] !== '') {
    messages.push(body['message']);
  }
  const text = messages.length > 0 ? messages.join(' ') : 'The request failed.';
  return `${text} (HTTP ${status})`;
}
