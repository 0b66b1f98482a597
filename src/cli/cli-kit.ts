// What the command-line tools (train, dream, generate) share: the usage error, a checked choice
// among named values, and main()'s exit codes (0 done, 1 the run failed, 2 bad arguments; usage
// errors print the message and the usage). Not any tool's flags or its run.

/** A bad command line: the tool prints the message and its usage and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `value` if it is one of `allowed`, `fallback` if absent; else a UsageError naming the flag. */
export function choice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag}: unknown value "${value}"; accepted values: ${allowed.join(', ')}`);
}

export interface CliTool<A extends { help: boolean }> {
  parse(argv: readonly string[]): A;
  usage: string;
  /** The run; what it returns is printed as one JSON line when `json` says so. */
  run(args: A): Promise<unknown>;
  json?(args: A): boolean;
}

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Parses, runs and reports; returns the exit code. */
export async function runCli<A extends { help: boolean }>(
  tool: CliTool<A>,
  argv: readonly string[],
): Promise<number> {
  let args: A;
  try {
    args = tool.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(`error: ${error.message}\n\n${tool.usage}`);
    return 2;
  }
  if (args.help) {
    console.log(tool.usage);
    return 0;
  }
  try {
    const result = await tool.run(args);
    if (tool.json?.(args)) console.log(JSON.stringify(result));
    return 0;
  } catch (error) {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
