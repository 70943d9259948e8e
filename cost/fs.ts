/**
 * Every file the estimator reads or writes goes through this module, so the rules hold everywhere:
 *
 * - Inputs are regular files of at most MAX_INPUT_BYTES. They are opened non-blocking (a FIFO
 *   never hangs the open), checked with fstat on the open descriptor (no race between check and
 *   read), and read up to the cap only: `/dev/zero`, a FIFO, a directory or a socket is refused
 *   with one clear line, never read without bound. A UTF-8 byte order mark is dropped.
 * - Outputs replace their target atomically: the content goes to a temporary sibling with an
 *   unpredictable name, created exclusively and without following a symlink (O_CREAT | O_EXCL |
 *   O_NOFOLLOW), then renamed over the target. A target that is a symlink, a directory, a device
 *   or a FIFO is refused, and so is a target that is one of the run's inputs.
 * - Lock files serialise writers of the same file across processes (`prices refresh`).
 *
 * Failures are CostInputError (the CLI prints one line and exits 2).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { CostInputError } from './errors';

/**
 * The largest input read, 64 MiB. CloudFormation accepts templates of at most 1 MB (template in
 * S3, "Template body size in an Amazon S3 object: 1 MB", AWS CloudFormation quotas); a cloud
 * assembly's reports and a 20,000-resource benchmark template stay well below 64 MiB, while
 * `/dev/zero`-like inputs are refused before they cost memory.
 */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Options of readInputFile. */
export interface ReadInputOptions {
  /** How the message names the file, e.g. `usage file`. @default - the path alone */
  readonly what?: string;
  /** @default MAX_INPUT_BYTES */
  readonly maxBytes?: number;
}

/**
 * Reads a regular file as UTF-8 text (BOM dropped). Throws CostInputError for a missing or
 * unreadable path, anything but a regular file, or a file above the size cap.
 */
export function readInputFile(path: string, options: ReadInputOptions = {}): string {
  const name = options.what !== undefined ? `${options.what} ${path}` : path;
  const maxBytes = options.maxBytes ?? MAX_INPUT_BYTES;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new CostInputError(`${name}: ${describeFsError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CostInputError(`${name}: ${kindOf(st)}, expected a regular file`);
    if (st.size > maxBytes) {
      throw new CostInputError(
        `${name}: ${st.size} bytes is above the ${maxBytes}-byte limit for an input file`,
      );
    }
    // Read up to maxBytes + 1 bytes whatever fstat said: a file that grows meanwhile is still caught.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(
        Math.min(Math.max(st.size - length, 0) + 65536, maxBytes + 1 - length),
      );
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new CostInputError(`${name}: ${describeFsError(e)}`);
      }
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) {
        throw new CostInputError(`${name}: above the ${maxBytes}-byte limit for an input file`);
      }
    }
    const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
    const text = buf.toString('utf8', 0, length);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}

/** Options of writeFileAtomic. */
export interface WriteOptions {
  /** Files this run read: the target may not be one of them (compared by device and inode, and by path). */
  readonly inputs?: readonly string[];
  /** How the message names the target, e.g. `--out`. @default - the path alone */
  readonly what?: string;
}

/**
 * Writes a file so that readers see the old content or the new, never half of it, and never
 * writes through a symlink or onto anything but a regular file (see the file comment).
 */
export function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: WriteOptions = {},
): void {
  const target = resolve(path);
  const name = options.what !== undefined ? `${options.what} ${path}` : path;
  checkFilePath(path, name);
  const existing = lstatOrUndefined(target, name);
  if (existing !== undefined) {
    if (existing.isSymbolicLink())
      throw new CostInputError(`${name}: is a symbolic link; refusing to write through it`);
    if (!existing.isFile()) throw new CostInputError(`${name}: ${kindOf(existing)}, expected a regular file`);
    for (const input of options.inputs ?? []) {
      if (sameFile(existing, target, input)) {
        throw new CostInputError(`${name}: is also an input of this run; refusing to overwrite it`);
      }
    }
  }
  const dir = dirname(target);
  createParentDirectories(dir, name);
  // 96 random bits: a name nobody can plant a symlink at in advance; O_EXCL | O_NOFOLLOW refuse one anyway.
  const tmp = join(dir, `.${basename(target)}.${randomBytes(12).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (e) {
    throw new CostInputError(`${name}: cannot write (${describeFsError(e)})`);
  }
  try {
    try {
      const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof CostInputError) throw e;
    throw new CostInputError(`${name}: cannot write (${describeFsError(e)})`);
  }
}

/**
 * Creates the missing directories of `dir`, top down, one `mkdir` per missing segment. Not
 * `mkdirSync(dir, { recursive: true })`: procfs answers ENOENT to a mkdir below a directory that
 * exists, and Node's recursive mkdir then retries the same pair of calls forever
 * (`--out /proc/self/nonexist/x` hung the CLI). The nearest existing ancestor must be a directory
 * or a symlink to one (`--out linked-reports/2026/x.md` keeps working).
 */
function createParentDirectories(dir: string, name: string): void {
  const missing: string[] = [];
  let at = dir;
  let existing = lstatOrUndefined(at, name);
  while (existing === undefined) {
    const up = dirname(at);
    // dirname('/') is '/': the root always exists, so this only guards the loop
    if (up === at) throw new CostInputError(`${name}: cannot create its directory (no existing ancestor)`);
    missing.push(at);
    at = up;
    existing = lstatOrUndefined(at, name);
  }
  if (existing.isSymbolicLink()) {
    try {
      existing = statSync(at);
    } catch (e) {
      throw new CostInputError(
        `${name}: its parent ${at} is a symbolic link that does not resolve (${describeFsError(e)})`,
      );
    }
  }
  if (!existing.isDirectory()) {
    throw new CostInputError(`${name}: a parent is not a directory (${at} ${kindOf(existing)})`);
  }
  for (const segment of missing.reverse()) {
    try {
      mkdirSync(segment);
    } catch (e) {
      // another run may have created it meanwhile: a directory there is what was asked for
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(segment)) continue;
      throw new CostInputError(`${name}: cannot create its directory ${segment} (${describeFsError(e)})`);
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `path` resolved against `cwd`, for an output file. resolve() drops a trailing slash, so
 * `--out reports/` would be written as a file named `reports`: a path ending with a separator is
 * refused before it is resolved.
 */
export function resolveOutputPath(cwd: string, path: string, what: string): string {
  checkFilePath(path, `${what} ${path}`);
  return resolve(cwd, path);
}

function checkFilePath(path: string, name: string): void {
  if (path.endsWith('/') || path.endsWith(sep))
    throw new CostInputError(`${name}: names a directory (ends with ${sep}), expected a file path`);
}

/**
 * Runs `fn` holding `<path>.lock`, created exclusively. When another live process holds it, throws
 * CostInputError saying so; a lock left by a process that is gone (same host, pid not running) is
 * taken over.
 */
export async function withLockFile<T>(path: string, what: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${resolve(path)}.lock`;
  acquire(lock, what, true);
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function acquire(lock: string, what: string, mayTakeOver: boolean): void {
  let fd: number;
  try {
    fd = openSync(
      lock,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new CostInputError(`${lock}: cannot create the lock file (${describeFsError(e)})`);
    const holder = readLock(lock);
    if (
      mayTakeOver &&
      holder !== undefined &&
      holder.host === hostname() &&
      !processAlive(holder.pid) &&
      takeOverStaleLock(lock, holder)
    ) {
      acquire(lock, what, false);
      return;
    }
    const by =
      holder !== undefined ? ` by process ${holder.pid} on ${holder.host} since ${holder.since}` : '';
    throw new CostInputError(
      `${what} is already running (lock ${lock} held${by}); wait for it to finish, or delete the lock file if that run died`,
    );
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
  } finally {
    closeSync(fd);
  }
}

/** What a lock file says: who holds it, since when. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/**
 * Removes the lock `stale` was read from, unless it was replaced meanwhile. Two runs that find
 * the same dead holder both used to delete `lock`: the second deleted the lock the first had just
 * taken over, and both refreshed. Here the lock is first renamed aside (atomic: one run gets it)
 * and checked: if it is not the stale one, it is a live run's lock, which goes back (link: only
 * if no other lock took its place) and false is returned.
 */
export function takeOverStaleLock(lock: string, stale: LockHolder): boolean {
  const aside = `${lock}.${randomBytes(8).toString('hex')}.stale`;
  try {
    renameSync(lock, aside);
  } catch {
    return true; // gone already: whoever removed it also found it stale; try to create ours
  }
  const moved = readLock(aside);
  const same =
    moved !== undefined &&
    moved.pid === stale.pid &&
    moved.host === stale.host &&
    moved.since === stale.since;
  if (!same) {
    try {
      linkSync(aside, lock);
    } catch {
      // another run created a lock meanwhile: it holds the catalog
    }
  }
  rmSync(aside, { force: true });
  return same;
}

function readLock(lock: string): LockHolder | undefined {
  try {
    const v = JSON.parse(readFileSync(lock, 'utf8')) as { pid?: unknown; host?: unknown; since?: unknown };
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.since === 'string')
      return { pid: v.pid, host: v.host, since: v.since };
  } catch {
    // Being written right now, or not ours: treat as held.
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lstatOrUndefined(path: string, name: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CostInputError(`${name}: ${describeFsError(e)}`);
  }
}

function sameFile(target: Stats, targetPath: string, input: string): boolean {
  if (resolve(input) === targetPath) return true;
  try {
    const st = statSync(input);
    return st.dev === target.dev && st.ino === target.ino;
  } catch {
    return false;
  }
}

/** What a non-regular file is, for messages. */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device';
  if (st.isSocket()) return 'is a socket';
  if (st.isSymbolicLink()) return 'is a symbolic link';
  return 'is not a regular file';
}

/** An fs error as a short phrase: `no such file or directory`, `permission denied (EACCES)`. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory (ENOTDIR)';
    case 'ELOOP':
      return 'is a symbolic link (ELOOP)';
    case 'EROFS':
      return 'read-only file system (EROFS)';
    case 'ENOSPC':
      return 'no space left on device (ENOSPC)';
    default:
      return code ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
  }
}
