// Error types the runtime throws, each with a message that names what went wrong and the fix.
// Not a logging layer: callers decide how to show them (banner, test failure, CLI message).

/** Thrown when no WebGPU implementation or no adapter can be found. */
export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

/** Thrown when a WebGPU error scope caught a validation or out-of-memory error. */
export class GpuValidationError extends Error {
  override name = 'GpuValidationError';
  constructor(
    message: string,
    readonly kind: 'validation' | 'out-of-memory',
  ) {
    super(message);
  }
}

/** Thrown when WGSL fails to compile; the message lists every error with line:column and source. */
export class ShaderCompileError extends Error {
  override name = 'ShaderCompileError';
}

const browserFix =
  'Use Chrome or Edge 113+ (on Linux start it with --enable-unsafe-webgpu), and serve the page over ' +
  'https or from http://127.0.0.1 / http://localhost (navigator.gpu exists only in a secure context).';
const nodeFix =
  'In Node, install the `webgpu` package (npm install webgpu) and use createNodeGpu(); with no GPU ' +
  'driver, set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader, from the ' +
  'chromium package) and XDG_RUNTIME_DIR=/tmp.';

/** False in Node (and Deno/Bun's Node mode); true in a browser page or worker. */
function inBrowser(): boolean {
  return !(typeof process !== 'undefined' && process.versions?.node);
}

/** Error for "navigator.gpu is missing", with the fix for the environment we run in. */
export function missingWebGpuError(): WebGpuUnavailableError {
  if (inBrowser()) {
    const insecure = typeof isSecureContext !== 'undefined' && !isSecureContext;
    const why = insecure ? 'this page is not a secure context' : 'this browser does not expose it';
    return new WebGpuUnavailableError(
      `WebGPU is unavailable: navigator.gpu is missing (${why}). ${browserFix}`,
    );
  }
  return new WebGpuUnavailableError(
    `WebGPU is unavailable: no GPU object was passed and there is no navigator.gpu in this runtime. ${nodeFix}`,
  );
}

/** Error for "requestAdapter() returned null"; `hint` adds environment-specific advice. */
export function noAdapterError(hint = ''): WebGpuUnavailableError {
  const fix = inBrowser()
    ? 'Check chrome://gpu for "WebGPU: Hardware accelerated" or start the browser with --enable-unsafe-webgpu.'
    : nodeFix;
  return new WebGpuUnavailableError(
    `WebGPU is unavailable: requestAdapter() found no adapter. ${hint ? hint + ' ' : ''}${fix}`,
  );
}
