/**
 * File-system errors the user can fix (a folder they cannot write, a full disk, a file where a
 * folder should be), told as what cityplan could not do, where, and what to do about it: exit
 * status 1, like a wrong estate, and never "a bug in cityplan".
 */
import { dirname } from 'node:path';

/** Thrown when cityplan cannot read or write a path the user chose; `path` is that path. */
export class FileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

/** A Node.js file-system error: `code` such as EACCES, and the path of the call that failed. */
interface SystemError extends Error {
  readonly code: string;
  readonly path?: string;
  readonly syscall?: string;
}

/** Errors a person fixes in their file system, in their words. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder is in the way',
  EEXIST: 'something is in the way',
  ENOTEMPTY: 'a folder that is not empty is in the way',
  ENOENT: 'the path does not exist, or its file system takes no new files there',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path has a loop of symbolic links',
};

/**
 * Codes that never mean a mistake in cityplan, whatever the call: any such error is worth telling
 * as a FileError (see fileErrorOf). ENOENT, ENOTDIR and the like can also come from a cityplan bug
 * (a file it forgot to write), so only callers that know the path was the user's translate those.
 */
const ALWAYS_THE_USERS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

/** A full disk has one remedy, whatever cityplan was writing. */
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Whether `e` is a Node.js system error with one of the codes above. */
export function isUserFixable(e: unknown): e is SystemError {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code in REASONS;
}

/**
 * Runs `action`; a file-system error the user can fix becomes a FileError saying
 * `cannot <doing>: <reason> (<CODE>); <remedy>`, with `path` as the path concerned. Other errors
 * pass through unchanged.
 *
 * @param doing what cityplan was doing, such as `write cityplan.lock.json in /x/estate`
 * @param remedy what the user can do, such as `make the folder writable or plan a copy` (for a full
 *   disk: free some space)
 * @throws FileError, or whatever `action` threw that is not the user's to fix
 */
export function explainFileErrors<T>(path: string, doing: string, remedy: string, action: () => T): T {
  try {
    return action();
  } catch (e) {
    if (!isUserFixable(e)) throw e;
    throw new FileError(path, `cannot ${doing}: ${reasonOf(e)}; ${FULL.has(e.code) ? 'free some space on that disk, then try again' : remedy}`);
  }
}

/**
 * A FileError for a raw file-system error that reached the top without context, when its code
 * always means the user's file system (permission, read-only, full disk); otherwise undefined.
 */
export function fileErrorOf(e: unknown): FileError | undefined {
  if (e instanceof FileError) return e;
  if (!isUserFixable(e) || !ALWAYS_THE_USERS.has(e.code) || !e.path) return undefined;
  // The system call (open, mkdir, rename…) is the most this error says of what was being done.
  return new FileError(e.path, `cannot ${e.syscall ?? 'use'} ${e.path}: ${reasonOf(e)}; check the permissions of ${dirname(e.path)} and the space on its disk`);
}

/** "permission denied (EACCES)": what went wrong, in words, with the code to search for. */
export function reasonOf(e: SystemError): string {
  return `${REASONS[e.code]} (${e.code})`;
}
