import { defaultScripts, roleScripts } from './default-scripts';
import { sampleMetadata } from './sample-data';
import { MAX_SCRIPT_CHARS, validateRules } from './validate';

describe('validateRules', () => {
  it.each([
    ['the default scripts', defaultScripts()],
    ['the external seed scripts', roleScripts('external')],
    ['the internal seed scripts', roleScripts('internal')],
    ['empty scripts that fill the required fields', { outgoing: 'replica.type = issue.type; replica.status = issue.status', incoming: '' }],
  ])('accepts %s', async (_name, scripts) => {
    expect(await validateRules(scripts)).toEqual({ ok: true, errors: [] });
  });

  it('accepts the default scripts on a site with no metadata at all', async () => {
    const empty = { issueTypes: {}, priorities: [], resolutions: [], statuses: [], users: [], customFields: [], linkTypes: [] };
    expect(await validateRules(defaultScripts(), { metadata: empty })).toEqual({ ok: true, errors: [] });
  });

  it('reports a syntax error in one script and a runtime error in the other, each with its position', async () => {
    const result = await validateRules({
      outgoing: 'replica.type = issue.type;\nreplica.status = ;',
      incoming: 'const x = 1;\nissue.customFields["Remote isue key"].value = replica.key;',
    });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      { script: 'outgoing', line: 2, column: 18, message: "SyntaxError: unexpected token in expression: ';'" },
      {
        script: 'incoming',
        line: 2,
        column: expect.any(Number),
        message: expect.stringMatching(/^Error: Unknown custom field "Remote isue key" on issue\. Known custom fields: "Remote issue key", "Severity"/),
      },
    ]);
  });

  it('reports an error found in both incoming dry runs once', async () => {
    const result = await validateRules({ outgoing: defaultScripts().outgoing, incoming: 'throw new Error("always")' });
    expect(result.errors).toHaveLength(1);
  });

  it('reports a first-sync-only failure', async () => {
    const result = await validateRules({ outgoing: defaultScripts().outgoing, incoming: 'if (firstSync) issue.projectKey = 42' });
    expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(/issue\.projectKey must be a string or null; got a number/)]);
  });

  it('reports a script past a limit', async () => {
    const result = await validateRules({ outgoing: defaultScripts().outgoing, incoming: 'for (;;) {}' }, { limits: { cpuMs: 20 } });
    expect(result.errors).toEqual([{ script: 'incoming', line: 1, column: expect.any(Number), message: 'CPU time limit of 20 ms exceeded: the script was stopped' }]);
  });

  it('reports an outgoing script that leaves the replica invalid', async () => {
    const result = await validateRules({ outgoing: 'replica.summary = issue.summary', incoming: '' });
    expect(result.errors).toEqual([
      {
        script: 'outgoing',
        line: null,
        column: null,
        message: expect.stringMatching(/^the outgoing script left an invalid result: replica\.type: .*replica\.status: /),
      },
    ]);
  });

  it('checks names against the site metadata when given', async () => {
    const scripts = { outgoing: defaultScripts().outgoing, incoming: 'issue.status = "Waiting for customer"' };
    expect((await validateRules(scripts)).ok).toBe(false);
    const metadata = sampleMetadata({ statuses: [{ id: '9', name: 'Waiting for customer', category: 'indeterminate' }] });
    expect(await validateRules(scripts, { metadata })).toEqual({ ok: true, errors: [] });
  });

  it('refuses a script that is too long without running anything', async () => {
    const long = '// x\n'.repeat(MAX_SCRIPT_CHARS / 4);
    const result = await validateRules({ outgoing: long, incoming: '' });
    expect(result).toEqual({ ok: false, errors: [{ script: 'outgoing', line: null, column: null, message: expect.stringMatching(/at most 100000 are allowed/) }] });
  });
});
