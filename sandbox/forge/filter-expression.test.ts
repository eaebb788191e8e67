import { compileFilterExpression } from './filter-expression';

const event = { eventType: 'avi:jira:created:issue', issue: { key: 'INT-1', fields: { project: { key: 'INT' }, priority: null } } };

describe('compileFilterExpression', () => {
  it.each([
    ["event.issue.fields.project.key == 'INT'", true],
    ["event.issue.fields.project.key != 'INT'", false],
    ["event.issue.fields.project.key == 'CLOUD' || event.issue.key == \"INT-1\"", true],
    ["event.issue.fields.project.key == 'INT' && !(event.eventType == 'avi:jira:created:issue')", false],
    ["event.issue.fields.project.key in ['A', 'INT']", true],
    ['event.issue.fields.priority == null', true],
    ['event.missing.deeper == null', false],
    ['true', true],
  ])('%s → %s', (src, expected) => {
    expect(compileFilterExpression(src)(event)).toBe(expected);
  });

  it.each([
    ['issue.key == "x"', /unknown name 'issue'/],
    ['event.issue.key.startsWith("INT")', /function calls are not supported/],
    ['event.issue.key ~ "x"', /unsupported character '~'/],
    ["event.issue.key == 'x", /unterminated string/],
    ['event.issue.key ==', /unexpected end/],
  ])('rejects %s', (src, message) => {
    expect(() => compileFilterExpression(src)).toThrow(message);
  });
});
