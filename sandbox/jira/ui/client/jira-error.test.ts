import { jiraErrorMessage } from './jira-error';

describe('jiraErrorMessage', () => {
  it.each<[string, number, unknown, string]>([
    ['errorMessages', 400, { errorMessages: ["Error in the JQL Query: Expecting ')' but got the end of the query."], errors: {} }, "Error in the JQL Query: Expecting ')' but got the end of the query. (HTTP 400)"],
    ['field errors', 400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } }, 'summary: You must specify a summary of the issue. (HTTP 400)'],
    ['both', 400, { errorMessages: ['Bad.'], errors: { labels: 'No spaces.' } }, 'Bad. labels: No spaces. (HTTP 400)'],
    ['a message field', 401, { message: 'Client must be authenticated' }, 'Client must be authenticated (HTTP 401)'],
    ['a text body', 502, 'Bad gateway', 'The request failed. (HTTP 502)'],
    ['no body', 500, null, 'The request failed. (HTTP 500)'],
    ['non-string entries ignored', 400, { errorMessages: [1, ''], errors: { a: 2 } }, 'The request failed. (HTTP 400)'],
  ])('%s', (_name, status, body, expected) => {
    expect(jiraErrorMessage(status, body)).toBe(expected);
  });
});
