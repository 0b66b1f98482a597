// Formatting of WGSL compiler messages: label:line:column, the source line and a caret under the span.

import { describe, expect, it } from 'vitest';
import { formatCompilationMessages } from '../../src/runtime/shader.ts';

const code = ['fn main() {', '  let a = 1.0;', '  a = missing(a);', '}'].join('\n');

describe('formatCompilationMessages', () => {
  it('shows each message with its line, column, source line and caret', () => {
    const text = formatCompilationMessages('demo', code, [
      { type: 'error', message: 'unresolved call target', lineNum: 3, linePos: 7, length: 7 },
      { type: 'warning', message: 'unused', lineNum: 2, linePos: 7, length: 1 },
    ]);
    expect(text.split('\n')).toEqual([
      "WGSL 'demo' failed to compile (1 error):",
      '  demo:3:7 error: unresolved call target',
      '      3 |   a = missing(a);',
      '        |       ^^^^^^^',
      '  demo:2:7 warning: unused',
      '      2 |   let a = 1.0;',
      '        |       ^',
    ]);
  });

  it('prints messages without a position on their own line', () => {
    const text = formatCompilationMessages('demo', code, [
      { type: 'error', message: 'entry point not found', lineNum: 0, linePos: 0, length: 0 },
      { type: 'error', message: 'x', lineNum: 1, linePos: 1, length: 0 },
    ]);
    expect(text).toContain('failed to compile (2 errors)');
    expect(text).toContain('  demo: error: entry point not found');
    expect(text).toContain('        | ^');
  });
});
