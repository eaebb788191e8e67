import { z } from 'zod';
import { RulesError, type RulesLog } from '../ports/rules';

export type ScriptName = 'outgoing' | 'incoming';
export type LimitName = 'cpu' | 'memory' | 'stack';

/** A RulesError raised by a script, with what the script logged before it failed. */
export class ScriptRulesError extends RulesError {
  constructor(
    message: string,
    script: ScriptName,
    line: number | null,
    column: number | null,
    limit: LimitName | null,
    readonly logs: RulesLog[] = [],
  ) {
    super(message, script, line, column, limit);
    this.name = 'RulesError';
  }
}

/** An error value as QuickJS dumps it to the host. */
const DumpedErrorSchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  stack: z.string().optional(),
  lineNumber: z.number().optional(),
});

export interface ScriptFailure {
  name: string;
  message: string;
  line: number | null;
  column: number | null;
}

/** Frames look like `    at f (incoming.js:3:7)` or, for syntax errors, `    at incoming.js:2:9`. */
const FRAME = /(?:\(|at )([^\s():]+):(\d+)(?::(\d+))?\)?\s*$/;

/**
 * Reads what a script threw: name, message, and the position of the innermost stack frame that
 * lies in the user's script (frames in the API prelude are skipped, so an error raised by a helper
 * points at the user's line that called it). `prefixLength` is the length of the wrapper text that
 * precedes the user's code on line 1.
 */
export function describeThrown(dumped: unknown, fileName: string, prefixLength: number): ScriptFailure {
  const parsed = DumpedErrorSchema.safeParse(dumped);
  if (!parsed.success || (parsed.data.message === undefined && parsed.data.name === undefined)) {
    return { name: 'Uncaught', message: `the script threw ${render(dumped)}`, line: null, column: null };
  }
  const { name = 'Error', message = '', stack = '' } = parsed.data;
  for (const frame of stack.split('\n')) {
    const m = FRAME.exec(frame);
    if (!m || m[1] !== fileName) continue;
    const line = Number(m[2]);
    let column = m[3] === undefined ? null : Number(m[3]);
    if (line === 1 && column !== null) column = Math.max(1, column - prefixLength);
    return { name, message, line, column };
  }
  return { name, message, line: null, column: null };
}

function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The message of a script's error, without its position: the RulesError carries script, line and
 * column as fields, and whoever shows the error (the engine's error list, the rules editor) adds them.
 */
export function scriptErrorMessage(f: ScriptFailure): string {
  return `${f.name}: ${f.message}`;
}
