import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadManifest } from '../../sandbox/forge/manifest';
import { checkAppRequest } from '../../sandbox/jira/scopes/scope-check';

/**
 * Every Jira operation the app's source names is one the scopes of its manifest.yml cover, checked
 * the way the sandbox (and Jira Cloud) checks each request at run time. The app writes each call as
 * `requestJira(route`…`, { method: '…', … })` (what `forge lint` reads too); any other call of
 * requestJira with a route literal fails this test, so none is skipped silently.
 */

const REPO = path.resolve(__dirname, '..', '..');
const CALL = /requestJira\(route`([^`]*)`(?:,\s*\{\s*method:\s*'([A-Z]+)')?/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

interface Call {
  where: string;
  method: string | undefined;
  route: string;
}

function appCalls(): Call[] {
  return sourceFiles(path.join(REPO, 'src')).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    return [...text.matchAll(CALL)].flatMap((m) => {
      const line = text.slice(0, m.index).split('\n').length;
      // calls quoted in comments are not calls
      if (/^\s*(\*|\/\/|\/\*)/.test(lines[line - 1] ?? '')) return [];
      return [{ where: `${path.relative(REPO, file)}:${line}`, method: m[2], route: m[1] ?? '' }];
    });
  });
}

describe("the app's Jira calls and its manifest scopes", () => {
  const scopes = loadManifest(REPO).scopes;
  const calls = appCalls();

  it('finds the calls, each with its method', () => {
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.method === undefined).map((c) => c.where)).toEqual([]);
  });

  it('needs no scope the manifest does not grant', () => {
    const refused = calls.flatMap((c) => {
      // a route parameter stands for one segment (or a query value): any non-empty text
      const concrete = c.route.replace(/\$\{[^}]*\}/g, 'x');
      const verdict = checkAppRequest(c.method ?? 'GET', concrete, scopes);
      return verdict.allowed ? [] : [`${c.where}: ${verdict.reason}`];
    });
    expect(refused).toEqual([]);
  });
});
