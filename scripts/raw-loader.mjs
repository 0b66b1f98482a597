// Node module-customization hook: makes Vite's `?raw` imports (the WGSL shaders) work in Node, so the
// CLIs can import src/kernels/* unchanged. `import code from './x.wgsl?raw'` yields the file's text.
// Registered by register-raw-loader.mjs after tsx; everything else goes on to the next loader.
import { readFile } from 'node:fs/promises';
import { URL } from 'node:url';

export async function load(url, context, nextLoad) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'file:' || parsed.search !== '?raw') return nextLoad(url, context);
  parsed.search = '';
  const text = await readFile(parsed, 'utf8');
  return { format: 'module', shortCircuit: true, source: `export default ${JSON.stringify(text)};` };
}
