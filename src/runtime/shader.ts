// Compiles WGSL and, when it fails, throws one error listing every message as label:line:column with
// the offending source line and a caret, so a broken shader points at itself. Not a pipeline cache.

import { ShaderCompileError } from './errors.ts';
import type { Gpu } from './gpu.ts';

/** The fields of GPUCompilationMessage that we format (a plain object in tests). */
export interface CompilationMessageLike {
  type: GPUCompilationMessageType;
  message: string;
  lineNum: number;
  linePos: number;
  length: number;
}

/** Formats compiler messages against the source; lineNum 0 means "no position". */
export function formatCompilationMessages(
  label: string,
  code: string,
  messages: readonly CompilationMessageLike[],
): string {
  const lines = code.split('\n');
  const errors = messages.filter((m) => m.type === 'error').length;
  const out = [`WGSL '${label}' failed to compile (${errors} error${errors === 1 ? '' : 's'}):`];
  for (const m of messages) {
    if (m.lineNum < 1) {
      out.push(`  ${label}: ${m.type}: ${m.message}`);
      continue;
    }
    out.push(`  ${label}:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
    const gutter = String(m.lineNum).padStart(5);
    out.push(`  ${gutter} | ${lines[m.lineNum - 1] ?? ''}`);
    const caret = '^'.repeat(Math.max(1, m.length));
    out.push(`  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, m.linePos - 1))}${caret}`);
  }
  return out.join('\n');
}

/** Creates a shader module and checks it; throws ShaderCompileError on any compile error. */
export async function compileShader(gpu: Gpu, label: string, code: string): Promise<GPUShaderModule> {
  // The scope keeps the compile error from also surfacing as an uncaptured error (printed by Dawn).
  gpu.device.pushErrorScope('validation');
  const module = gpu.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const scopeError = await gpu.device.popErrorScope();
  if (info.messages.some((m) => m.type === 'error')) {
    throw new ShaderCompileError(formatCompilationMessages(label, code, info.messages));
  }
  if (scopeError) throw new ShaderCompileError(`WGSL '${label}' was rejected: ${scopeError.message}`);
  return module;
}
