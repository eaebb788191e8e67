import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-singlefile-cjs-release-sync';

/**
 * The QuickJS WebAssembly module, compiled once per process and shared by every sandbox.
 * The single-file CommonJS variant embeds the WASM bytes in its JS file, so bundlers (Forge's
 * included) need no extra asset.
 */
let loading: Promise<QuickJSWASMModule> | null = null;
let loaded: QuickJSWASMModule | null = null;

export function loadQuickJs(): Promise<QuickJSWASMModule> {
  if (loading === null) {
    const attempt = newQuickJSWASMModuleFromVariant(variant).then((m) => {
      if (loading === attempt) loaded = m;
      return m;
    });
    loading = attempt;
    // a failed load is not cached: the next run tries again
    attempt.catch(() => {
      if (loading === attempt) loading = null;
    });
  }
  return loading;
}

/**
 * Forget the module so the next run compiles a fresh one. Used when a run overflowed the host's
 * native stack inside WASM: the module's memory may then be inconsistent and is never used again.
 */
export function discardQuickJs(broken: QuickJSWASMModule): void {
  if (loaded === broken) {
    loaded = null;
    loading = null;
  }
}

/** The files the sandbox adds to the app bundle (the variant's index.js embeds the WASM bytes). */
export function quickJsBundleFiles(): string[] {
  return [
    require.resolve('@jitl/quickjs-singlefile-cjs-release-sync'),
    require.resolve('quickjs-emscripten-core'),
    require.resolve('@jitl/quickjs-ffi-types'),
  ];
}
