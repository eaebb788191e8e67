import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-singlefile-cjs-release-sync';

/**
 * QuickJS compiled to WebAssembly. The single-file CommonJS variant embeds the WASM bytes in its JS
 * file, so bundlers (Forge's included) need no extra asset.
 *
 * Each module instance gets its own WebAssembly memory with a fixed maximum: that maximum is what
 * bounds a script's memory. (QuickJS's own memory limit cannot: in WASM builds it counts a few bytes
 * per allocation instead of the allocation's size, so only single huge allocations hit it.)
 */

const PAGE_BYTES = 64 * 1024;
/** The memory the module starts with (its declared minimum: 16 MiB). */
export const QUICKJS_INITIAL_BYTES = 256 * PAGE_BYTES;

/** A new QuickJS module whose whole heap (interpreter, API, input and the script's objects) stays within `maxBytes`. */
export function newQuickJs(maxBytes: number): Promise<QuickJSWASMModule> {
  const maximum = Math.max(QUICKJS_INITIAL_BYTES, maxBytes) / PAGE_BYTES;
  const memory = new WebAssembly.Memory({ initial: QUICKJS_INITIAL_BYTES / PAGE_BYTES, maximum: Math.ceil(maximum) });
  return newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory: memory }));
}

/** The files the sandbox adds to the app bundle (the variant's index.js embeds the WASM bytes). */
export function quickJsBundleFiles(): string[] {
  return [
    require.resolve('@jitl/quickjs-singlefile-cjs-release-sync'),
    require.resolve('quickjs-emscripten-core'),
    require.resolve('@jitl/quickjs-ffi-types'),
  ];
}
