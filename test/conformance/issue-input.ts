/** Builders for request bodies, with defaults (a Task in INT). */

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: { type: 'paragraph'; content: { type: 'text'; text: string }[] }[];
}

export function adf(text: string): AdfDoc {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

export function issueFields(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    project: { key: 'INT' },
    issuetype: { name: 'Task' },
    summary: 'A conformance issue',
    ...overrides,
  };
}
