import type { ScopeRequirement, ScopeTable } from './scope-table';

/**
 * Finds the operation of the scope table a request addresses, the way the spec's paths read: a
 * `{param}` stands for exactly one non-empty segment, literals compare exactly (case and all), and
 * of several templates that fit, the one with a literal at the first position where they differ
 * wins (`/issue/createmeta` before `/issue/{issueIdOrKey}`). The path is matched first and the
 * method then: a method the most specific template does not declare is no operation, even when a
 * less specific template declares it. No leniency: a trailing slash, a doubled slash or an empty
 * segment matches nothing, as Jira Cloud stopped accepting those on OAuth 2.0 requests.
 */

export type OperationMatch =
  | { found: true; key: string; template: string; requirement: ScopeRequirement }
  | { found: false; reason: string };

interface Template {
  template: string;
  /** literal segments as strings, parameters as null */
  segments: (string | null)[];
  methods: Map<string, ScopeRequirement>;
}

function parseTemplate(template: string): (string | null)[] {
  return template.split('/').map((s) => (/^\{[^/{}]+\}$/.test(s) ? null : s));
}

/** negative when `a` is the more specific of two templates that both fit the same path */
function bySpecificity(a: Template, b: Template): number {
  for (let i = 0; i < a.segments.length; i++) {
    const x = a.segments[i] !== null;
    const y = b.segments[i] !== null;
    if (x !== y) return x ? -1 : 1;
  }
  return 0;
}

/** the path without query string or fragment */
export function pathOnly(pathWithQuery: string): string {
  const end = pathWithQuery.search(/[?#]/);
  return end === -1 ? pathWithQuery : pathWithQuery.slice(0, end);
}

export class OperationMatcher {
  /** templates by their number of segments */
  private readonly bySegmentCount = new Map<number, Template[]>();

  constructor(table: ScopeTable) {
    const templates = new Map<string, Template>();
    for (const [key, requirement] of Object.entries(table.operations)) {
      const space = key.indexOf(' ');
      const method = key.slice(0, space);
      const template = key.slice(space + 1);
      let t = templates.get(template);
      if (!t) {
        t = { template, segments: parseTemplate(template), methods: new Map() };
        templates.set(template, t);
        const list = this.bySegmentCount.get(t.segments.length) ?? [];
        list.push(t);
        this.bySegmentCount.set(t.segments.length, list);
      }
      t.methods.set(method, requirement);
    }
  }

  match(method: string, pathWithQuery: string): OperationMatch {
    const m = method.toUpperCase();
    const p = pathOnly(pathWithQuery);
    const segments = p.split('/');
    const fitting = (this.bySegmentCount.get(segments.length) ?? []).filter((t) =>
      t.segments.every((s, i) => {
        const actual = segments[i] ?? '';
        return s === null ? actual !== '' : s === actual;
      }));
    const best = fitting.sort(bySpecificity)[0];
    if (!best) return { found: false, reason: `${m} ${p} matches no path of Jira Cloud's REST API v3` };
    const requirement = best.methods.get(m);
    if (!requirement) return { found: false, reason: `${m} ${p} matches ${best.template}, which has no ${m} operation` };
    return { found: true, key: `${m} ${best.template}`, template: best.template, requirement };
  }
}
