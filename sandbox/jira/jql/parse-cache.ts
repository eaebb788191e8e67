import type { JqlQuery } from './ast';
import { parseJql } from './parse-jql';

/**
 * A small LRU of parsed queries keyed by the JQL text. The ANTLR parse is most of the compile cost
 * (about a millisecond on an idle core); the same JQL is compiled again for every page of a search.
 * Parsed trees are plain data and never mutated, so sharing them is safe; errors are not cached.
 */
export class ParseCache {
  private readonly entries = new Map<string, JqlQuery>();

  constructor(private readonly capacity = 256) {}

  parse(jql: string): JqlQuery {
    const hit = this.entries.get(jql);
    if (hit) {
      this.entries.delete(jql);
      this.entries.set(jql, hit);
      return hit;
    }
    const query = parseJql(jql);
    this.entries.set(jql, query);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return query;
  }

  get size(): number {
    return this.entries.size;
  }
}
