import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { z } from 'zod';
import type { RulesLog } from '../ports/rules';
import { GUEST_API_FILENAME, GUEST_API_SOURCE } from './guest-api';
import { discardQuickJs, loadQuickJs } from './quickjs-module';
import { RulesLogSchema } from './rules-schemas';
import {
  ScriptRulesError,
  describeThrown,
  scriptErrorMessage,
  type LimitName,
  type ScriptFailure,
  type ScriptName,
} from './script-errors';

export interface ScriptLimits {
  /** CPU time per run, in milliseconds */
  cpuMs: number;
  /** memory of the script's heap (input, API and its own objects), in bytes */
  memoryBytes: number;
  /** the interpreter's stack, in bytes; kept well below the host's native stack */
  stackBytes: number;
}

export const DEFAULT_LIMITS: ScriptLimits = { cpuMs: 200, memoryBytes: 32 * 1024 * 1024, stackBytes: 256 * 1024 };

/** The user's code runs inside this wrapper (strict mode; `return` ends the script early). */
export const WRAP_PREFIX = '(function () { "use strict"; ';
const WRAP_SUFFIX = '\n})()';

const LogsSchema = z.array(RulesLogSchema);
/** CPU budget of the API's own setup (parsing the prelude and the input), in milliseconds. */
const SETUP_MS = 2000;

/**
 * Runs sync rule scripts in QuickJS. One runtime (heap with memory and stack limits, interrupt
 * handler for the CPU deadline) is reused across runs; each run gets a fresh context, so nothing a
 * script does (globals, prototype changes) survives into the next run. The runtime is replaced
 * after any run stopped by a limit.
 */
export class ScriptSandbox {
  private runtime: QuickJSRuntime | null = null;
  private runtimeModule: QuickJSWASMModule | null = null;
  private deadline = 0;
  private interrupted = false;

  constructor(readonly limits: ScriptLimits) {}

  /** Runs `source` with the API set up from `input`; resolves to the parsed JSON the API's finish() returned. */
  async run(script: ScriptName, source: string, input: unknown): Promise<unknown> {
    const module = await loadQuickJs();
    return this.runLoaded(module, script, source, JSON.stringify(input));
  }

  /** Frees the runtime (the module stays loaded for other sandboxes). */
  dispose(): void {
    this.dropRuntime();
  }

  private runLoaded(module: QuickJSWASMModule, script: ScriptName, source: string, inputJson: string): unknown {
    const rt = this.runtimeFor(module);
    const handles: QuickJSHandle[] = [];
    let ctx: QuickJSContext | null = null;
    let recycle = false;
    try {
      ctx = rt.newContext();
      const vm = ctx;
      const keep = (h: QuickJSHandle): QuickJSHandle => {
        handles.push(h);
        return h;
      };
      const fail = (error: QuickJSHandle, api: QuickJSHandle | null, prefixLength = WRAP_PREFIX.length): never => {
        const dumped: unknown = vm.dump(error);
        error.dispose();
        const failure = describeThrown(dumped, `${script}.js`, prefixLength);
        const limit = this.limitOf(failure);
        if (limit !== null) {
          recycle = true;
          throw new ScriptRulesError(this.limitMessage(script, limit, failure), script, failure.line, failure.column, limit);
        }
        const logs = api === null ? [] : this.readLogs(vm, api);
        throw new ScriptRulesError(scriptErrorMessage(script, failure), script, failure.line, failure.column, null, logs);
      };

      // The API's own setup gets a generous deadline of its own (a cold WASM start can be slow);
      // the user's script, its promise jobs and the result's serialisation get the configured one.
      this.interrupted = false;
      this.deadline = performance.now() + Math.max(this.limits.cpuMs, SETUP_MS);
      const prelude = vm.evalCode(GUEST_API_SOURCE, GUEST_API_FILENAME);
      if (prelude.error) return fail(prelude.error, null);
      const setup = keep(prelude.value);
      const inputHandle = keep(vm.newString(inputJson));
      const apiResult = vm.callFunction(setup, vm.undefined, inputHandle);
      if (apiResult.error) return fail(apiResult.error, null);
      const api = keep(apiResult.value);

      this.deadline = performance.now() + this.limits.cpuMs;
      const user = vm.evalCode(WRAP_PREFIX + source + WRAP_SUFFIX, `${script}.js`);
      if (user.error) {
        const bare = this.bareSyntaxError(vm, script, source, user.error);
        if (bare === null) return fail(user.error, api);
        user.error.dispose();
        return fail(bare, api, 0);
      }
      user.value.dispose();

      const jobs = rt.executePendingJobs();
      if (jobs.error) return fail(jobs.error, api);
      // an interrupt inside a promise job ends the job queue without an error: still a stopped script
      if (this.interrupted) return fail(vm.newError({ name: 'InternalError', message: 'interrupted' }), api);
      if (rt.hasPendingJob()) recycle = true;

      const finish = keep(vm.getProp(api, 'finish'));
      const out = vm.callFunction(finish, api);
      if (out.error) return fail(out.error, api);
      const text = vm.getString(out.value);
      out.value.dispose();
      const parsed: unknown = JSON.parse(text);
      return parsed;
    } catch (e) {
      if (e instanceof ScriptRulesError) throw e;
      // A RangeError here is the host's own stack overflowing inside WASM (C recursion that the
      // interpreter's stack limit does not see, e.g. JSON.stringify of a deeply nested value).
      // The module's memory may be inconsistent after that: it is never used again.
      const stack = e instanceof RangeError;
      if (stack || e instanceof WebAssembly.RuntimeError) {
        this.runtime = null;
        this.runtimeModule = null;
        ctx = null;
        handles.length = 0;
        discardQuickJs(module);
        throw new ScriptRulesError(
          stack
            ? `${script} script stopped: stack limit exceeded (a value or a recursion nested too deep)`
            : `${script} script crashed the sandbox: ${String(e)}`,
          script,
          null,
          null,
          stack ? 'stack' : null,
        );
      }
      throw e;
    } finally {
      for (const h of handles.reverse()) if (h.alive) h.dispose();
      if (ctx?.alive) ctx.dispose();
      if (recycle) this.dropRuntime();
    }
  }

  /**
   * A syntax error found past the end of the user's text means the script closed the wrapper
   * function itself (an extra `}`): the error of compiling the bare script tells where it really is.
   */
  private bareSyntaxError(vm: QuickJSContext, script: ScriptName, source: string, error: QuickJSHandle): QuickJSHandle | null {
    const failure = describeThrown(vm.dump(error), `${script}.js`, WRAP_PREFIX.length);
    if (failure.name !== 'SyntaxError' || failure.line === null || failure.line <= source.split('\n').length) return null;
    const bare = vm.evalCode(source, `${script}.js`, { compileOnly: true });
    if (bare.error === undefined) {
      bare.value.dispose();
      return null;
    }
    return bare.error;
  }

  private runtimeFor(module: QuickJSWASMModule): QuickJSRuntime {
    if (this.runtime !== null && this.runtimeModule === module && this.runtime.alive) return this.runtime;
    this.dropRuntime();
    const rt = module.newRuntime();
    rt.setMemoryLimit(this.limits.memoryBytes);
    rt.setMaxStackSize(this.limits.stackBytes);
    rt.setInterruptHandler(() => {
      if (performance.now() <= this.deadline) return false;
      this.interrupted = true;
      return true;
    });
    this.runtime = rt;
    this.runtimeModule = module;
    return rt;
  }

  private dropRuntime(): void {
    const rt = this.runtime;
    this.runtime = null;
    this.runtimeModule = null;
    if (rt?.alive) {
      try {
        rt.dispose();
      } catch {
        // a runtime stopped by a limit may refuse a clean teardown; it is unreachable either way
      }
    }
  }

  private limitOf(f: ScriptFailure): LimitName | null {
    if (this.interrupted) return 'cpu';
    if (/out of memory/i.test(f.message)) return 'memory';
    if (/stack overflow|maximum call stack/i.test(f.message)) return 'stack';
    return null;
  }

  private limitMessage(script: ScriptName, limit: LimitName, f: ScriptFailure): string {
    const where = f.line === null ? '' : ` at line ${f.line}`;
    switch (limit) {
      case 'cpu':
        return `${script} script stopped${where}: CPU time limit of ${this.limits.cpuMs} ms exceeded`;
      case 'memory':
        return `${script} script stopped${where}: memory limit of ${formatBytes(this.limits.memoryBytes)} exceeded`;
      case 'stack':
        return `${script} script stopped${where}: stack limit exceeded (recursion too deep)`;
    }
  }

  private readLogs(vm: QuickJSContext, api: QuickJSHandle): RulesLog[] {
    // what the script logged before it failed; best effort, under a fresh short deadline
    this.deadline = performance.now() + Math.min(50, this.limits.cpuMs);
    const fn = vm.getProp(api, 'logs');
    try {
      const res = vm.callFunction(fn, api);
      if (res.error) {
        res.error.dispose();
        return [];
      }
      const text = vm.getString(res.value);
      res.value.dispose();
      const logs = LogsSchema.safeParse(JSON.parse(text));
      return logs.success ? logs.data : [];
    } finally {
      fn.dispose();
    }
  }
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n} bytes`;
}
