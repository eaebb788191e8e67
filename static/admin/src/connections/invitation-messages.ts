import { ResolverError, readableMessage } from '../../../shared/src/api/resolver-error';

/**
 * The message shown when accepting an invitation fails. The resolver's own message is kept; a
 * known error code gets advice on what to do next.
 */
export function acceptFailureMessage(error: unknown): string {
  const message = readableMessage(error);
  const code = error instanceof ResolverError ? error.code : '';
  const hint = (text: string) => `${message} ${text}`;
  // this site's scope, not the code: the invitation was not used
  if (code === 'invalid-jql') return hint('Fix the query (or leave it empty) and accept again.');
  if (/expired/i.test(code) || /expired/i.test(message)) return hint('Ask the other site’s admin for a new invitation.');
  if (/used|reuse|consumed/i.test(code) || /already (been )?used|reused/i.test(message)) {
    return hint('An invitation works once; ask for a new one.');
  }
  if (/invalid|malformed|forged|signature/i.test(code) || /invalid|malformed|not an invitation/i.test(message)) {
    return hint('Check that you pasted the whole code.');
  }
  return message;
}
