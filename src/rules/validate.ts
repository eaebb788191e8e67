import { RulesError, type RulesConnection, type RulesMetadata } from '../ports/rules';
import type { RulesScripts } from './default-scripts';
import type { Mappings } from '../model/mappings';
import { blankIssue, sampleConnection, sampleIssueFor, sampleMetadata, sampleReplicaFor } from './sample-data';
import { createScriptRulesEngine, resolveLimits } from './script-engine';
import type { ScriptLimits } from './script-sandbox';

export interface RulesValidationError {
  script: 'outgoing' | 'incoming';
  line: number | null;
  column: number | null;
  message: string;
}

export interface RulesValidationResult {
  ok: boolean;
  errors: RulesValidationError[];
}

export interface ValidateOptions {
  /** the site's metadata, so that names used by the scripts are checked against it */
  metadata?: RulesMetadata;
  connection?: RulesConnection;
  limits?: Partial<ScriptLimits>;
  /** the value mappings the scripts run with */
  mappings?: Mappings;
}

/** Each script must fit, with the other, in one stored value (240 KiB). */
export const MAX_SCRIPT_CHARS = 100_000;

/**
 * Checks a pair of scripts: size, syntax, and dry runs against a sample issue and replica that fit
 * the site's metadata (outgoing once; incoming for a first sync and for an update). Every failure
 * is reported with its script, line, column and message; nothing is written anywhere.
 */
export async function validateRules(scripts: RulesScripts, options: ValidateOptions = {}): Promise<RulesValidationResult> {
  const errors: RulesValidationError[] = [];
  for (const script of ['outgoing', 'incoming'] as const) {
    if (scripts[script].length > MAX_SCRIPT_CHARS) {
      errors.push({ script, line: null, column: null, message: `the ${script} script is ${scripts[script].length} characters long; at most ${MAX_SCRIPT_CHARS} are allowed` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const metadata = options.metadata ?? sampleMetadata();
  const connection = options.connection ?? sampleConnection();
  const engine = createScriptRulesEngine({ ...scripts, limits: resolveLimits(options.limits), ...(options.mappings ? { mappings: options.mappings } : {}) });
  const issue = sampleIssueFor(metadata);
  const replica = sampleReplicaFor(metadata);

  const attempt = async (run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
    } catch (e) {
      if (!(e instanceof RulesError)) throw e;
      const error = { script: e.script, line: e.line, column: e.column, message: e.message };
      if (!errors.some((x) => x.script === error.script && x.message === error.message && x.line === error.line)) errors.push(error);
    }
  };
  await attempt(() => engine.outgoing({ issue, connection }));
  await attempt(() => engine.incoming({ replica, issue: blankIssue(), previous: null, firstSync: true, syncBackMessage: false, connection, metadata }));
  await attempt(() => engine.incoming({ replica, issue, previous: replica, firstSync: false, syncBackMessage: false, connection, metadata }));
  return { ok: errors.length === 0, errors };
}
