import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { z } from 'zod';
import type { RulesLog } from '../ports/rules';
import { GUEST_API_FILENAME, GUEST_API_SOURCE } from './guest-api';
import { newQuickJs } from './quickjs-module';
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
  /** CPU time per run, in milliseconds (a sandbox's default: run() may give a run another budget) */
  cpuMs: number;
  /** the sandbox's whole heap (interpreter, API, input, the script's own objects), in bytes */
  memoryBytes: number;
  /** the interpreter's stack, in bytes; kept well below the host's native stack */
  stackBytes: number;
}

export const DEFAULT_LIMITS: ScriptLimits = { cpuMs: 200, memoryBytes: 32 * 1024 * 1024, stackBytes: 256 * 1024 };

/**
 * The user's code is compiled inside this wrapper: strict mode, `return` ends the script early,
 * `await` works, and an error thrown anywhere in the body (also after an await) is reported.
 */
export const WRAP_PREFIX = '(async function () { "use strict"; ';
const WRAP_SUFFIX = '\n})';

const LogsSchema = z.array(RulesLogSchema);
/** CPU budget of setting up a context (parsing the API and freezing the language), in milliseconds. */
const SETUP_MS = 2000;
const WALL_BACKSTOP_MS = 5000;

/** CPU time used by this process, in milliseconds (wall-clock time where the platform has no CPU clock). */
const cpuNowMs: () => number =
  typeof process !== 'undefined' && typeof process.cpuUsage === 'function'
    ? () => {
        const used = process.cpuUsage();
        return (used.user + used.system) / 1000;
      }
    : () => performance.now();

/** How close to its maximum a heap counts as full. */
const HEAP_SLACK_BYTES = 4 * 1024 * 1024;
/** Compiled scripts kept per context. */
const MAX_COMPILED = 32;

/** A QuickJS context with the API evaluated once, and the scripts compiled in it. */
interface Realm {
  module: QuickJSWASMModule;
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  begin: QuickJSHandle;
  compiled: Map<string, QuickJSHandle>;
}

/**
 * Runs sync rule scripts in QuickJS. One runtime (stack limit, interrupt handler for the CPU
 * deadline) in the sandbox's own WASM module (whose memory maximum is the memory limit) and one
 * context are reused across runs: the API is evaluated once per context, every script is compiled
 * once, and a run only creates its own API objects. Runs cannot leave anything behind for later
 * runs: the API globals read the current run's objects, and the global object and every built-in
 * are frozen (guest-api.ts, lockdown). Any run stopped by a limit, or leaving promise jobs behind,
 * gets the realm replaced (and after a memory limit, the module too).
 */
export class ScriptSandbox {
  private module: Promise<QuickJSWASMModule> | null = null;
  private realm: Realm | null = null;
  /** CPU-time deadline (process CPU ms) and a wall-clock backstop (performance.now ms) of the current step */
  private cpuDeadline = 0;
  private wallDeadline = 0;
  private interrupted = false;

  constructor(readonly limits: ScriptLimits) {}

  /**
   * Runs `source` with the API set up from `input`; resolves to the parsed JSON the API's finish()
   * returned. `cpuMs`: this run's CPU budget (the CPU limit is only a deadline, so runs with
   * different budgets share the sandbox; memory and stack belong to its module and runtime).
   */
  async run(script: ScriptName, source: string, input: unknown, cpuMs: number = this.limits.cpuMs): Promise<unknown> {
    const module = await this.loadModule();
    return this.runLoaded(module, script, source, JSON.stringify(input), cpuMs);
  }

  /** Frees the realm and forgets the module (its memory goes with it). */
  dispose(): void {
    this.dropRealm();
    this.module = null;
  }

  /** This sandbox's own QuickJS module, compiled on first use; a failed load is tried again next time. */
  loadModule(): Promise<QuickJSWASMModule> {
    if (this.module === null) {
      const loading = newQuickJs(this.limits.memoryBytes);
      this.module = loading;
      loading.catch(() => {
        if (this.module === loading) this.module = null;
      });
    }
    return this.module;
  }

  private runLoaded(module: QuickJSWASMModule, script: ScriptName, source: string, inputJson: string, cpuMs: number): unknown {
    const handles: QuickJSHandle[] = [];
    let recycle = false;
    try {
      const realm = this.realmFor(module);
      const vm = realm.context;
      const fail = (error: QuickJSHandle, api: QuickJSHandle | null, prefixLength = WRAP_PREFIX.length): never => {
        const dumped: unknown = vm.dump(error);
        error.dispose();
        const failure = describeThrown(dumped, `${script}.js`, prefixLength);
        // Out of memory so badly that not even an error object fits: QuickJS throws null.
        const starved = (dumped === null || dumped === undefined) && this.heapFull(module);
        const limit = starved ? 'memory' : this.limitOf(failure);
        if (limit !== null) {
          recycle = true;
          // a heap that reached its maximum stays that big: start the next run on a fresh module
          if (limit === 'memory') this.module = null;
          throw new ScriptRulesError(this.limitMessage(limit, cpuMs), script, failure.line, failure.column, limit);
        }
        const logs = api === null ? [] : this.readLogs(vm, api, cpuMs);
        throw new ScriptRulesError(scriptErrorMessage(failure), script, failure.line, failure.column, null, logs);
      };

      this.interrupted = false;
      this.setBudget(Math.max(cpuMs, SETUP_MS));
      const compiled = this.compile(realm, script, source);
      if ('error' in compiled) return fail(compiled.error, null, compiled.prefixLength);

      // the run's own CPU budget covers its API objects, the script, its promise jobs and the result
      this.setBudget(cpuMs);
      const inputHandle = vm.newString(inputJson);
      handles.push(inputHandle);
      const begun = vm.callFunction(realm.begin, vm.undefined, inputHandle);
      if (begun.error) return fail(begun.error, null);
      const api = begun.value;
      handles.push(api);

      const ran = vm.callFunction(compiled.fn, vm.undefined);
      if (ran.error) return fail(ran.error, api);
      const done = ran.value;
      handles.push(done);

      const jobs = realm.runtime.executePendingJobs();
      if (jobs.error) return fail(jobs.error, api);
      if (realm.runtime.hasPendingJob()) recycle = true;
      const state = vm.getPromiseState(done);
      if (state.type === 'rejected') return fail(state.error, api);
      // an interrupt inside a promise job ends the job queue without an error: still a stopped script
      if (this.interrupted) return fail(vm.newError({ name: 'InternalError', message: 'interrupted' }), api);
      if (state.type === 'pending') {
        return fail(vm.newError({ name: 'Error', message: 'the script never finished: it awaits a promise that is never settled' }), api);
      }
      state.value.dispose();

      const finish = vm.getProp(api, 'finish');
      handles.push(finish);
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
        this.realm = null;
        handles.length = 0;
        this.module = null;
        throw new ScriptRulesError(
          stack ? 'stack limit exceeded (a value or a recursion nested too deep): the script was stopped' : `the script crashed the sandbox: ${String(e)}`,
          script,
          null,
          null,
          stack ? 'stack' : null,
        );
      }
      throw e;
    } finally {
      for (const h of handles.reverse()) if (h.alive) h.dispose();
      if (recycle) this.dropRealm();
    }
  }

  /** The script as a function compiled in the realm (cached), or the syntax error that prevents it. */
  private compile(realm: Realm, script: ScriptName, source: string): { fn: QuickJSHandle } | { error: QuickJSHandle; prefixLength: number } {
    const key = `${script}\n${source}`;
    const cached = realm.compiled.get(key);
    if (cached !== undefined) {
      // most recently used last
      realm.compiled.delete(key);
      realm.compiled.set(key, cached);
      return { fn: cached };
    }
    const vm = realm.context;
    const result = vm.evalCode(WRAP_PREFIX + source + WRAP_SUFFIX, `${script}.js`);
    if (result.error) {
      const bare = this.bareSyntaxError(vm, script, source, result.error);
      if (bare === null) return { error: result.error, prefixLength: WRAP_PREFIX.length };
      result.error.dispose();
      return { error: bare, prefixLength: 0 };
    }
    realm.compiled.set(key, result.value);
    if (realm.compiled.size > MAX_COMPILED) {
      const [oldestKey, oldest] = realm.compiled.entries().next().value ?? [];
      if (oldestKey !== undefined) realm.compiled.delete(oldestKey);
      oldest?.dispose();
    }
    return { fn: result.value };
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

  private realmFor(module: QuickJSWASMModule): Realm {
    if (this.realm !== null && this.realm.module === module && this.realm.context.alive) return this.realm;
    this.dropRealm();
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(this.limits.memoryBytes);
    runtime.setMaxStackSize(this.limits.stackBytes);
    runtime.setInterruptHandler(() => {
      if (cpuNowMs() <= this.cpuDeadline && performance.now() <= this.wallDeadline) return false;
      this.interrupted = true;
      return true;
    });
    const context = runtime.newContext();
    this.setBudget(SETUP_MS);
    const prelude = context.evalCode(GUEST_API_SOURCE, GUEST_API_FILENAME);
    if (prelude.error) {
      const dumped: unknown = context.dump(prelude.error);
      prelude.error.dispose();
      context.dispose();
      runtime.dispose();
      throw new Error(`the script API could not be set up: ${JSON.stringify(dumped)}`);
    }
    this.realm = { module, runtime, context, begin: prelude.value, compiled: new Map() };
    return this.realm;
  }

  private dropRealm(): void {
    const realm = this.realm;
    this.realm = null;
    if (realm === null) return;
    try {
      for (const fn of realm.compiled.values()) if (fn.alive) fn.dispose();
      if (realm.begin.alive) realm.begin.dispose();
      if (realm.context.alive) realm.context.dispose();
      if (realm.runtime.alive) realm.runtime.dispose();
    } catch {
      // a realm stopped by a limit may refuse a clean teardown; it is unreachable either way
    }
  }

  /**
   * The budget is CPU time, so a busy machine that preempts the process does not stop a script;
   * a wall-clock backstop (10× the budget, at least 5 s) bounds the rest.
   */
  private setBudget(ms: number): void {
    this.cpuDeadline = cpuNowMs() + ms;
    this.wallDeadline = performance.now() + Math.max(10 * ms, WALL_BACKSTOP_MS);
  }

  /** The module's memory has grown to (nearly) its maximum. */
  private heapFull(module: QuickJSWASMModule): boolean {
    return module.getWasmMemory().buffer.byteLength + HEAP_SLACK_BYTES >= this.limits.memoryBytes;
  }

  private limitOf(f: ScriptFailure): LimitName | null {
    if (this.interrupted) return 'cpu';
    if (/out of memory/i.test(f.message)) return 'memory';
    if (/stack overflow|maximum call stack/i.test(f.message)) return 'stack';
    return null;
  }

  private limitMessage(limit: LimitName, cpuMs: number): string {
    switch (limit) {
      case 'cpu':
        return `CPU time limit of ${cpuMs} ms exceeded: the script was stopped`;
      case 'memory':
        return `memory limit of ${formatBytes(this.limits.memoryBytes)} exceeded: the script was stopped`;
      case 'stack':
        return 'stack limit exceeded (recursion too deep): the script was stopped';
    }
  }

  private readLogs(vm: QuickJSContext, api: QuickJSHandle, cpuMs: number): RulesLog[] {
    // what the script logged before it failed; best effort, under a fresh short deadline
    this.setBudget(Math.min(50, cpuMs));
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
