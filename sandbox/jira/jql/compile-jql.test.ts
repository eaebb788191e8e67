import { compileJql, JqlError, type JqlContext } from './index';
import { CTX, ISSUES } from './jql-fixture';

function search(jql: string, ctx: JqlContext = CTX): string[] {
  const compiled = compileJql(jql, ctx);
  return ISSUES.filter((i) => compiled.matches(i))
    .sort((a, b) => compiled.compare(a, b))
    .map((i) => i.key);
}

const sorted = (keys: readonly string[]): string[] => [...keys].sort();

const INT = ['INT-1', 'INT-2', 'INT-3', 'INT-10', 'INT-11'];
const CLOUD = ['CLOUD-1', 'CLOUD-2', 'CLOUD-3', 'CLOUD-4', 'CLOUD-5'];
const ALL = [...INT, ...CLOUD];
const except = (...keys: string[]): string[] => ALL.filter((k) => !keys.includes(k));

describe('compileJql: matching', () => {
  it.each<[string, string[]]>([
    // project: key (case-insensitive), name, id
    ['project = "INT"', INT],
    ['project = "int"', INT],
    ['project = Internal', INT],
    ['project = cloud', CLOUD],
    ['project = 10100', CLOUD],
    ['project in ("INT", CLOUD)', ALL],
    ['project != CLOUD', INT],
    ['project not in (CLOUD)', INT],
    ['project is EMPTY', []],
    ['project is not EMPTY', ALL],
    // key / issuekey / id / issue
    ['key = INT-2', ['INT-2']],
    ['key = int-2', ['INT-2']],
    ['issuekey = CLOUD-3', ['CLOUD-3']],
    ['issue = INT-1', ['INT-1']],
    ['id = 10003', ['INT-3']],
    ['key in (INT-1, CLOUD-1)', ['INT-1', 'CLOUD-1']],
    ['key != INT-1', except('INT-1')],
    ['key not in (INT-1, INT-2)', except('INT-1', 'INT-2')],
    ['key > INT-3', ['INT-10', 'INT-11']],
    ['key >= INT-3', ['INT-3', 'INT-10', 'INT-11']],
    ['key < INT-3', ['INT-1', 'INT-2']],
    ['key <= CLOUD-2', ['CLOUD-1', 'CLOUD-2']],
    ['id > 10100', ['CLOUD-2', 'CLOUD-3', 'CLOUD-4', 'CLOUD-5']],
    ['key = INT-999', []],
    // issuetype / type
    ['issuetype = Bug', ['INT-2', 'CLOUD-1']],
    ['type = bug', ['INT-2', 'CLOUD-1']],
    ['issuetype in (Epic, "Sub-task")', ['INT-10', 'INT-11', 'CLOUD-5']],
    ['issuetype = 10003', ['INT-3', 'CLOUD-3']],
    ['issuetype != Task', except('INT-1', 'CLOUD-2', 'CLOUD-4')],
    // status / statusCategory
    ['status = Open', ['INT-1', 'INT-10', 'INT-11', 'CLOUD-2', 'CLOUD-5']],
    ['status = "in progress"', ['INT-2', 'CLOUD-3']],
    ['status = 10001', ['INT-3', 'CLOUD-1', 'CLOUD-4']],
    ['status not in (Open, Done)', ['INT-2', 'CLOUD-3']],
    ['statusCategory = done', ['INT-3', 'CLOUD-1', 'CLOUD-4']],
    ['statusCategory = "To Do"', ['INT-1', 'INT-10', 'INT-11', 'CLOUD-2', 'CLOUD-5']],
    ['statuscategory = 4', ['INT-2', 'CLOUD-3']],
    ['statusCategory != new', ['INT-2', 'INT-3', 'CLOUD-1', 'CLOUD-3', 'CLOUD-4']],
    // priority: by name or id, ordered by rank (empty never matches != or a comparison)
    ['priority = High', ['INT-2', 'CLOUD-3']],
    ['priority = 1', ['INT-10']],
    ['priority > Medium', ['INT-2', 'INT-10', 'CLOUD-3']],
    ['priority >= medium', ['INT-1', 'INT-2', 'INT-10', 'CLOUD-2', 'CLOUD-3', 'CLOUD-4', 'CLOUD-5']],
    ['priority < Medium', ['INT-3', 'CLOUD-1']],
    ['priority <= Low', ['INT-3', 'CLOUD-1']],
    ['priority is EMPTY', ['INT-11']],
    ['priority != High', except('INT-2', 'CLOUD-3', 'INT-11')],
    // labels (case-insensitive)
    ['labels = backend', ['INT-1', 'INT-10']],
    ['labels in (frontend, installer)', ['INT-2', 'CLOUD-2']],
    ['labels != urgent', ['INT-1', 'INT-10', 'CLOUD-2']],
    ['labels not in (urgent, backend)', ['CLOUD-2']],
    ['labels is EMPTY', ['INT-3', 'INT-11', 'CLOUD-3', 'CLOUD-4', 'CLOUD-5']],
    ['labels = EMPTY', ['INT-3', 'INT-11', 'CLOUD-3', 'CLOUD-4', 'CLOUD-5']],
    ['labels is not EMPTY', ['INT-1', 'INT-2', 'INT-10', 'CLOUD-1', 'CLOUD-2']],
    ['labels in (urgent, EMPTY)', ['INT-2', 'CLOUD-1', 'INT-3', 'INT-11', 'CLOUD-3', 'CLOUD-4', 'CLOUD-5']],
    // text search: words, stemming, phrases, wildcards, OR, exclusion
    ['summary ~ screen', ['INT-10', 'INT-11']],
    ['summary ~ "full screen"', ['INT-10', 'INT-11']],
    ['summary ~ "\\"full screen\\""', ['INT-10']],
    ['summary ~ invoice', ['CLOUD-1']],
    ['summary ~ customer', ['CLOUD-1']],
    ['summary ~ query', ['INT-3', 'CLOUD-3']],
    ['summary ~ "quer*"', ['INT-3', 'CLOUD-3']],
    ['summary ~ "wind?ws"', ['CLOUD-2']],
    ['summary ~ "LOGIN or crash"', ['INT-1', 'INT-2']],
    ['summary ~ "screen -mode"', ['INT-11']],
    ['summary ~ "the"', []],
    ['summary !~ screen', except('INT-10', 'INT-11')],
    ['description ~ win95', ['CLOUD-2']],
    ['description ~ "windows*"', ['CLOUD-2']],
    ['description ~ "\\"https://example.test/docs\\""', ['CLOUD-3']],
    ['description is EMPTY', ['INT-2', 'INT-11', 'CLOUD-4', 'CLOUD-5']],
    ['description is not EMPTY', except('INT-2', 'INT-11', 'CLOUD-4', 'CLOUD-5')],
    ['description !~ invoice', ['INT-1', 'INT-3', 'INT-10', 'CLOUD-2', 'CLOUD-3']],
    ['comment ~ "build 42"', ['INT-3']],
    ['comment ~ "full screen"', ['INT-11']],
    ['comment ~ "\\"full screen\\""', []],
    ['comment !~ fixed', ['INT-1', 'INT-11']],
    ['text ~ safari', ['INT-1']],
    ['text ~ "\\"CLOUD-3\\""', ['INT-3']],
    ['text ~ "full screen"', ['INT-10', 'INT-11']],
    ['text ~ verified', ['INT-3']],
    // dates: relative periods, absolute dates, functions (UTC)
    ['created > -1d', ['CLOUD-1', 'CLOUD-2']],
    ['created >= "-3d"', ['INT-11', 'CLOUD-1', 'CLOUD-2']],
    ['createdDate > "-1w 2d"', ['INT-11', 'CLOUD-1', 'CLOUD-2', 'CLOUD-3']],
    ['created >= -4h', ['CLOUD-2']],
    ['updated >= "-30m"', ['CLOUD-1']],
    ['updated > -2h', ['INT-2', 'CLOUD-1']],
    ['updated < now()', ALL],
    ['created < "2026-01-01"', ['CLOUD-4']],
    ['created <= "2026/01/01 09:00"', ['INT-1', 'CLOUD-4']],
    ['created = "2026-01-31"', ['INT-3']],
    ['created != "2026-01-31"', except('INT-3')],
    ['created in ("2026-01-31", "2026/01/01")', ['INT-1', 'INT-3']],
    ['created > startOfDay()', ['CLOUD-2']],
    ['created >= startOfDay(-1)', ['CLOUD-1', 'CLOUD-2']],
    ['created >= startOfDay("-1d")', ['CLOUD-1', 'CLOUD-2']],
    ['created >= startOfWeek()', ['CLOUD-2']],
    ['created >= startOfMonth()', ['INT-10', 'INT-11', 'CLOUD-1', 'CLOUD-2', 'CLOUD-3', 'CLOUD-5']],
    ['created < startOfYear()', ['CLOUD-4']],
    ['created < endOfDay(-1) AND created > startOfDay(-1)', ['CLOUD-1']],
    ['updated <= endOfMonth(-1)', ['INT-3', 'CLOUD-4']],
    ['created is EMPTY', []],
    ['duedate < now()', ['INT-1', 'INT-3', 'CLOUD-4']],
    ['duedate <= now()', ['INT-1', 'INT-3', 'CLOUD-2', 'CLOUD-4']],
    ['duedate = "2026-03-01"', ['INT-10']],
    ['duedate = startOfDay()', ['CLOUD-2']],
    ['due >= "2026/02/15"', ['INT-10', 'CLOUD-2']],
    ['duedate > endOfMonth()', ['INT-10']],
    ['duedate is EMPTY', ['INT-2', 'INT-11', 'CLOUD-1', 'CLOUD-3', 'CLOUD-5']],
    ['duedate != "2026-03-01"', ['INT-1', 'INT-3', 'CLOUD-2', 'CLOUD-4']],
    // users
    ['assignee = currentUser()', ['INT-1', 'INT-10', 'CLOUD-2']],
    ['assignee = u-bob', ['INT-3', 'CLOUD-1']],
    ['assignee in (u-bob, "u-carol")', ['INT-3', 'CLOUD-1', 'CLOUD-5']],
    ['assignee != currentUser()', ['INT-3', 'CLOUD-1', 'CLOUD-5']],
    ['assignee is EMPTY', ['INT-2', 'INT-11', 'CLOUD-3', 'CLOUD-4']],
    ['assignee in (currentUser(), EMPTY)', ['INT-1', 'INT-10', 'CLOUD-2', 'INT-2', 'INT-11', 'CLOUD-3', 'CLOUD-4']],
    ['reporter = u-bob', ['INT-10']],
    ['reporter = currentUser()', ['CLOUD-4']],
    ['reporter is EMPTY', ['INT-11']],
    // issue entity properties
    ['issue.property[twinSync.origin].remoteIssueId = "20001"', ['INT-1', 'INT-10']],
    ['issue.property[twinSync.origin].remoteIssueId = 20002', ['INT-2']],
    ['issue.property[twinSync.origin].remoteIssueId = "20002"', ['INT-2']],
    ['issue.property["twinSync.origin"].connectionId = c1', ['INT-1', 'INT-2', 'CLOUD-3']],
    ['Issue.Property[twinSync.origin].connectionId = c2', ['INT-10']],
    ['issue.property[twinSync.origin].remoteIssueId in ("20001", 30003)', ['INT-1', 'INT-10', 'CLOUD-3']],
    ['issue.property[twinSync.origin].remoteIssueId != "20001"', ['INT-2', 'CLOUD-3']],
    ['issue.property[twinSync.origin].remoteIssueId is EMPTY', ['INT-3', 'INT-11', 'CLOUD-1', 'CLOUD-2', 'CLOUD-4', 'CLOUD-5']],
    ['issue.property[twinSync.origin].remoteIssueId is not EMPTY', ['INT-1', 'INT-2', 'INT-10', 'CLOUD-3']],
    ['issue.property[twinSync.origin] is not EMPTY', ['INT-1', 'INT-2', 'INT-10', 'CLOUD-3']],
    ['issue.property[twinSync.origin].remoteIssueId = "2000"', []],
    ['issue.property[meta].depth.level > 8', ['INT-11']],
    ['issue.property[meta].depth.level >= 7', ['INT-10', 'INT-11']],
    ['issue.property[meta].tags = blue', ['INT-10']],
    ['issue.property[meta].tags is EMPTY', except('INT-10')],
    ['issue.property[meta].done = "true"', ['INT-10']],
    ['issue.property[meta].done = "false"', ['INT-11']],
    ['issue.property[twinSync.origin].connectionId ~ c2', ['INT-10']],
    // custom fields by name (case-insensitive) and by cf[id]
    ['"Remote issue key" = CLOUD-1', ['INT-1']],
    ['"remote issue key" = "cloud-1"', ['INT-1']],
    ['cf[10010] = CLOUD-3', ['INT-3']],
    ['"Remote issue key" ~ cloud', ['INT-1', 'INT-3']],
    ['"Remote issue key" is EMPTY', except('INT-1', 'INT-3', 'CLOUD-1')],
    ['"Remote issue key" is not EMPTY', ['INT-1', 'INT-3', 'CLOUD-1']],
    ['"Remote issue key" != CLOUD-1', ['INT-3', 'CLOUD-1']],
    ['"Remote issue key" in (CLOUD-1, INT-1)', ['INT-1', 'CLOUD-1']],
    ['"Story Points" > 4', ['INT-2', 'CLOUD-3']],
    ['cf[10011] = 3', ['INT-1']],
    ['"Story Points" in (3, 5)', ['INT-1', 'CLOUD-3']],
    ['"Story Points" is EMPTY', except('INT-1', 'INT-2', 'CLOUD-3')],
    ['"Go-live" = "2026-03-01"', ['INT-2']],
    ['"Go-live" < "2026-04-01"', ['INT-2']],
    ['"Environment tier" = Production', ['INT-1']],
    ['"Environment tier" in (Staging, production)', ['INT-1', 'CLOUD-1']],
    // AND / OR / NOT / parentheses (NOT is pushed down as Jira does: NOT a = b is a != b)
    ['', ALL],
    ['project = CLOUD AND status = Done', ['CLOUD-1', 'CLOUD-4']],
    ['project = CLOUD OR priority = Highest', [...CLOUD, 'INT-10']],
    ['project = "INT" AND (status = Done OR labels = urgent)', ['INT-2', 'INT-3']],
    ['status = Done OR project = CLOUD AND priority = Medium', ['INT-3', 'CLOUD-1', 'CLOUD-2', 'CLOUD-4', 'CLOUD-5']],
    ['NOT project = CLOUD', INT],
    ['not assignee = currentUser()', ['INT-3', 'CLOUD-1', 'CLOUD-5']],
    ['NOT (status = Open OR status = Done)', ['INT-2', 'CLOUD-3']],
    ['!(priority = Medium)', ['INT-2', 'INT-3', 'INT-10', 'CLOUD-1', 'CLOUD-3']],
    ['NOT labels is EMPTY', ['INT-1', 'INT-2', 'INT-10', 'CLOUD-1', 'CLOUD-2']],
    ['NOT created > -1d', except('CLOUD-1', 'CLOUD-2')],
    ['NOT NOT status = Done', ['INT-3', 'CLOUD-1', 'CLOUD-4']],
    ['NOT (project = CLOUD AND status != Done)', [...INT, 'CLOUD-1', 'CLOUD-4']],
    ['status = Open AND NOT labels = backend', ['CLOUD-2']],
    ['NOT summary ~ screen', except('INT-10', 'INT-11')],
    ['NOT key > INT-2', ['INT-1', 'INT-2']],
  ])('%s', (jql, expected) => {
    expect(sorted(search(jql))).toEqual(sorted(expected));
  });

  it('prefers a custom field over a Jira field the site does not store (Sprint is a custom field in Jira Cloud)', () => {
    const ctx: JqlContext = { ...CTX, customFields: [...CTX.customFields, { id: 'customfield_10020', name: 'Sprint', type: 'string' }] };
    expect(sorted(search('sprint is EMPTY', ctx))).toEqual(sorted(ALL));
    expect(errorOf('sprint is not EMPTY').kind).toBe('unsupported');
  });

  it('matches nothing for currentUser() without a calling user', () => {
    expect(search('assignee = currentUser()', { ...CTX, currentAccountId: null })).toEqual([]);
  });
});

describe('compileJql: ORDER BY', () => {
  it.each<[string, string[]]>([
    ['project = CLOUD', ['CLOUD-2', 'CLOUD-1', 'CLOUD-3', 'CLOUD-5', 'CLOUD-4']],
    ['', ['CLOUD-2', 'CLOUD-1', 'INT-11', 'CLOUD-3', 'CLOUD-5', 'INT-10', 'INT-3', 'INT-2', 'INT-1', 'CLOUD-4']],
    ['project = CLOUD ORDER BY key', CLOUD],
    ['project = "INT" ORDER BY key DESC', ['INT-11', 'INT-10', 'INT-3', 'INT-2', 'INT-1']],
    ['ORDER BY issuekey ASC', [...CLOUD, ...INT]],
    ['project = "INT" ORDER BY id DESC', ['INT-11', 'INT-10', 'INT-3', 'INT-2', 'INT-1']],
    ['project = "INT" ORDER BY priority', ['INT-10', 'INT-2', 'INT-1', 'INT-3', 'INT-11']],
    ['project = "INT" ORDER BY priority DESC', ['INT-10', 'INT-2', 'INT-1', 'INT-3', 'INT-11']],
    ['project = "INT" ORDER BY priority ASC', ['INT-3', 'INT-1', 'INT-2', 'INT-10', 'INT-11']],
    ['project = CLOUD ORDER BY status ASC, key DESC', ['CLOUD-4', 'CLOUD-1', 'CLOUD-3', 'CLOUD-5', 'CLOUD-2']],
    ['project = CLOUD ORDER BY statusCategory, key', ['CLOUD-2', 'CLOUD-5', 'CLOUD-3', 'CLOUD-1', 'CLOUD-4']],
    ['project = "INT" ORDER BY created ASC', ['INT-1', 'INT-2', 'INT-3', 'INT-10', 'INT-11']],
    ['project = "INT" ORDER BY created', ['INT-11', 'INT-10', 'INT-3', 'INT-2', 'INT-1']],
    ['project = "INT" ORDER BY updated DESC', ['INT-2', 'INT-1', 'INT-11', 'INT-10', 'INT-3']],
    ['project = "INT" ORDER BY duedate ASC', ['INT-3', 'INT-1', 'INT-10', 'INT-2', 'INT-11']],
    ['project = "INT" ORDER BY duedate DESC', ['INT-10', 'INT-1', 'INT-3', 'INT-11', 'INT-2']],
    ['project = CLOUD ORDER BY summary', ['CLOUD-1', 'CLOUD-5', 'CLOUD-3', 'CLOUD-4', 'CLOUD-2']],
    ['ORDER BY "Story Points" DESC', ['INT-2', 'CLOUD-3', 'INT-1', 'CLOUD-5', 'CLOUD-4', 'CLOUD-2', 'CLOUD-1', 'INT-11', 'INT-10', 'INT-3']],
    ['"Remote issue key" is not EMPTY ORDER BY cf[10010]', ['INT-1', 'INT-3', 'CLOUD-1']],
    ['project = "INT" ORDER BY assignee, key', ['INT-1', 'INT-10', 'INT-3', 'INT-2', 'INT-11']],
    ['project = "INT" ORDER BY issuetype, key', ['INT-2', 'INT-10', 'INT-3', 'INT-11', 'INT-1']],
    ['ORDER BY project, key', [...CLOUD, ...INT]],
    ['labels is not EMPTY ORDER BY labels', ['INT-1', 'INT-10', 'INT-2', 'CLOUD-2', 'CLOUD-1']],
    ['issue.property[meta].depth.level is not EMPTY ORDER BY issue.property[meta].depth.level DESC', ['INT-11', 'INT-10']],
    ['issue.property[twinSync.origin].remoteIssueId is not EMPTY ORDER BY issue.property[twinSync.origin].remoteIssueId', ['INT-2', 'INT-1', 'INT-10', 'CLOUD-3']],
  ])('%s', (jql, expected) => {
    expect(search(jql)).toEqual(expected);
  });
});

describe('compileJql: catalog (optional context)', () => {
  const ctx: JqlContext = {
    ...CTX,
    catalog: {
      projects: [
        { id: '10000', key: 'INT', name: 'Internal' },
        { id: '10100', key: 'CLOUD', name: 'Cloud' },
      ],
      statuses: [
        { id: '1', name: 'Open' },
        { id: '3', name: 'In Progress' },
        { id: '10001', name: 'Done' },
      ],
      priorities: [
        { id: '1', name: 'Highest' },
        { id: '2', name: 'High' },
        { id: '3', name: 'Medium' },
        { id: '4', name: 'Low' },
        { id: '5', name: 'Lowest' },
      ],
      users: [
        { accountId: 'u-alice', displayName: 'Alice Example', emailAddress: 'alice@example.test' },
        { accountId: 'u-bob', displayName: 'Bob Builder', emailAddress: 'bob@example.test' },
      ],
    },
  };

  it.each<[string, string[]]>([
    ['project = internal', INT],
    ['status = "in progress"', ['INT-2', 'CLOUD-3']],
    ['priority > Medium', ['INT-2', 'INT-10', 'CLOUD-3']],
    ['assignee = "Alice Example"', ['INT-1', 'INT-10', 'CLOUD-2']],
    ['assignee = "bob@example.test"', ['INT-3', 'CLOUD-1']],
    ['assignee = u-bob', ['INT-3', 'CLOUD-1']],
  ])('%s', (jql, expected) => {
    expect(sorted(search(jql, ctx))).toEqual(sorted(expected));
  });

  it('orders statuses by the catalog order', () => {
    expect(search('project = CLOUD ORDER BY status, key', ctx)).toEqual(['CLOUD-2', 'CLOUD-5', 'CLOUD-3', 'CLOUD-1', 'CLOUD-4']);
  });

  it.each<[string, string]>([
    ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
    ['status = Closed', "The value 'Closed' does not exist for the field 'status'."],
    ['assignee = "Nobody Here"', "The value 'Nobody Here' does not exist for the field 'assignee'."],
  ])('rejects an unknown value: %s', (jql, message) => {
    expect(() => compileJql(jql, ctx)).toThrow(new JqlError(message, 'invalid-value'));
    expect(errorOf(jql, ctx).kind).toBe('invalid-value');
  });
});

function errorOf(jql: string, ctx: JqlContext = CTX): JqlError {
  try {
    compileJql(jql, ctx);
  } catch (e) {
    if (e instanceof JqlError) return e;
    throw e;
  }
  throw new Error(`expected ${jql} to be rejected`);
}

describe('compileJql: errors', () => {
  it.each<[string, JqlError['kind'], string | RegExp]>([
    // syntax: the parser's message with line and character
    ['project = ', 'syntax', /^Error in the JQL Query: mismatched input '<EOF>' expecting .* \(line 1, character 11\)$/],
    ['status = Open AND', 'syntax', /^Error in the JQL Query: mismatched input '<EOF>' .*\(line 1, character 18\)$/],
    ['status = Open status', 'syntax', /extraneous input 'status' expecting .*\(line 1, character 15\)/],
    ['issue.property[meta].done = true', 'syntax', /'true' is a reserved JQL word/],
    ['project = INT', 'syntax', /'INT' is a reserved JQL word\. You must surround it in quotation marks to use it in a query\. \(line 1, character 11; parser: mismatched input 'INT'/],
    ['summary ~ fix*', 'syntax', /The character '\*' is a reserved JQL character\. You must enclose it in a string or use the escape '\\u002a' instead\./],
    ['status = "Open', 'syntax', /The quoted string "Open has not been completed\./],
    ['(status = Open', 'syntax', /missing '\)'|expecting/],
    ['project = "INT" ORDER BY', 'syntax', /line 1, character 25/],
    ['status = "Op\\qen"', 'syntax', /Error in the JQL Query/],
    // unknown fields
    ['foo = bar', 'unknown-field', "Field 'foo' does not exist or you do not have permission to view it."],
    ['"No such field" ~ x', 'unknown-field', "Field 'No such field' does not exist or you do not have permission to view it."],
    ['cf[99999] = x', 'unknown-field', "Field 'cf[99999]' does not exist or you do not have permission to view it."],
    ['project = "INT" ORDER BY nosuchfield', 'unknown-field', "Field 'nosuchfield' does not exist or you do not have permission to view it."],
    ['foo.property[x].y = 1', 'unknown-field', "Field 'foo.property' does not exist or you do not have permission to view it."],
    // unsupported operators, functions, clauses
    ['summary = "Login fails"', 'unsupported', "The operator '=' is not supported by the 'summary' field."],
    ['project ~ INTERNAL', 'unsupported', "The operator '~' is not supported by the 'project' field."],
    ['labels > a', 'unsupported', "The operator '>' is not supported by the 'labels' field."],
    ['text ~ EMPTY OR text !~ x', 'unsupported', "The operator '!~' is not supported by the 'text' field."],
    ['status was Open', 'unsupported', /The operator 'WAS' \(history search, in 'status WAS \.\.\.'\)/],
    ['status changed', 'unsupported', /The operator 'CHANGED'/],
    ['assignee was in (a, b)', 'unsupported', /The operator 'WAS IN'/],
    ['assignee in membersOf("jira-users")', 'unsupported', "The function 'membersOf()' is not supported for the 'assignee' field by the emulated Jira site."],
    ['issuekey in linkedIssues(INT-1)', 'unsupported', "The function 'linkedIssues()' is not supported for the 'issuekey' field by the emulated Jira site."],
    ['created > currentLogin()', 'unsupported', "The function 'currentLogin()' is not supported for the 'created' field by the emulated Jira site."],
    ['project = currentUser()', 'unsupported', "The function 'currentUser()' is not supported for the 'project' field by the emulated Jira site."],
    ['fixVersion = 1.0', 'unsupported', "The field 'fixVersion' is not supported by the emulated Jira site's JQL."],
    ['resolution is EMPTY', 'unsupported', "The field 'resolution' is not supported by the emulated Jira site's JQL."],
    ['project.property[x].y = 1', 'unsupported', "Searching project properties ('project.property[x].y') is not supported by the emulated Jira site."],
    ['comment.property[x].y = 1', 'unsupported', "Searching comment properties ('comment.property[x].y') is not supported by the emulated Jira site."],
    ['summary ~ "(a OR b) c"', 'unsupported', /uses grouping, fuzzy, boost or field syntax/],
    ['ORDER BY description', 'unsupported', "Field 'description' does not support sorting."],
    ['ORDER BY text', 'unsupported', "Field 'text' does not support sorting."],
    // invalid values
    ['key = foo', 'invalid-value', "The issue key 'foo' for field 'key' is invalid."],
    ['created > yesterday', 'invalid-value', /^Date value 'yesterday' for field 'created' is invalid\. Valid formats include: 'yyyy\/MM\/dd HH:mm'/],
    ['created > "2026-02-30"', 'invalid-value', /Date value '2026-02-30' for field 'created' is invalid/],
    ['duedate = 5', 'invalid-value', /Date value '5' for field 'duedate' is invalid/],
    ['created > startOfDay("soon")', 'invalid-value', /Duration for function 'startOfDay'/],
    ['statusCategory = Blocked', 'invalid-value', "The value 'Blocked' does not exist for the field 'statusCategory'."],
    ['priority > Urgent', 'invalid-value', "The value 'Urgent' does not exist for the field 'priority'."],
    ['"Story Points" = many', 'invalid-value', "The value 'many' for field 'Story Points' is invalid: a number is expected."],
    ['summary ~ "*ash"', 'invalid-value', "The text query '*ash' for field 'summary' is not allowed to start with '*' or '?'."],
    ['ORDER BY created, created DESC', 'invalid-value', "The sort field 'created' is referenced multiple times in the JQL sort."],
  ])('%s → %s', (jql, kind, message) => {
    const error = errorOf(jql);
    expect(error.kind).toBe(kind);
    expect(error.name).toBe('JqlError');
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });
});

describe('compileJql: compiles once', () => {
  it('evaluates with closures: the same compiled query serves many issues and searches', () => {
    const compiled = compileJql('project = "INT" AND summary ~ screen ORDER BY key DESC', CTX);
    const first = ISSUES.filter((i) => compiled.matches(i)).map((i) => i.key);
    const second = ISSUES.filter((i) => compiled.matches(i)).map((i) => i.key);
    expect(first).toEqual(['INT-10', 'INT-11']);
    expect(second).toEqual(first);
  });
});
