// Download the current run as a .convscope file, and read one the user uploads. Reading checks
// the whole file (decodeCheckpoint) before anything else happens, and openCheckpointFile hands a
// checkpoint to the caller's apply() only when it is sound, so a corrupt upload gives a clear
// message and leaves the current run untouched. Not the format (model/checkpoint.ts); the file
// picker and buttons belong to the UI.

import { decodeCheckpoint, type Checkpoint } from '../model/checkpoint.ts';
import type { CheckpointExpectation } from '../model/checkpoint-checks.ts';

export const CHECKPOINT_EXTENSION = '.convscope';
/** Larger than any network the app can build with Adam state (tens of MB); refuses a wrong pick early. */
export const MAX_CHECKPOINT_BYTES = 512 * 1024 * 1024;

export type CheckpointFileResult =
  { ok: true; checkpoint: Checkpoint; fileName: string } | { ok: false; message: string };

/** e.g. "convscope-lenet5-mnist-step1200.convscope": what, on what, how far. */
export function checkpointFileName(checkpoint: Pick<Checkpoint, 'spec' | 'step'>, dataset?: string): string {
  const parts = ['convscope', checkpoint.spec.name, dataset, `step${checkpoint.step}`]
    .filter((part): part is string => Boolean(part))
    .map((part) => part.replace(/[^A-Za-z0-9_-]+/g, '-'));
  return parts.join('-') + CHECKPOINT_EXTENSION;
}

/** Starts a browser download of `bytes` (from encodeCheckpoint) as `fileName`. */
export function downloadCheckpoint(bytes: Uint8Array, fileName: string, doc: Document = document): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has taken its own reference by the next task; revoke then so nothing leaks.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function nameOf(file: Blob): string {
  return (file as Partial<File>).name || 'the file';
}

/** The checkpoint in an uploaded file, fully checked; a message naming the file and the problem if not. */
export async function readCheckpointFile(
  file: Blob,
  expected: CheckpointExpectation = {},
): Promise<CheckpointFileResult> {
  const fileName = nameOf(file);
  if (file.size > MAX_CHECKPOINT_BYTES) {
    const mb = Math.round(file.size / 2 ** 20);
    return {
      ok: false,
      message: `Could not open ${fileName}: it is ${mb} MB, larger than any convscope checkpoint; pick a ${CHECKPOINT_EXTENSION} file.`,
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    return { ok: false, message: `Could not read ${fileName}: ${(error as Error).message}` };
  }
  try {
    return { ok: true, checkpoint: decodeCheckpoint(bytes, expected), fileName };
  } catch (error) {
    return { ok: false, message: `Could not open ${fileName}: ${(error as Error).message}` };
  }
}

/**
 * Reads `file` and, only if it is a sound checkpoint, passes it to `apply` (e.g. a restore that
 * itself validates before changing anything). Returns the message to show when anything fails.
 */
export async function openCheckpointFile(
  file: Blob,
  apply: (checkpoint: Checkpoint) => void | Promise<void>,
  expected: CheckpointExpectation = {},
): Promise<CheckpointFileResult> {
  const result = await readCheckpointFile(file, expected);
  if (!result.ok) return result;
  try {
    await apply(result.checkpoint);
  } catch (error) {
    return { ok: false, message: `Could not open ${result.fileName}: ${(error as Error).message}` };
  }
  return result;
}
