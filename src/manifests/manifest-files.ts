// The filesystem side of the manifest commands: expanding PATH arguments (files, directories walked
// for *.yaml / *.yml, `-` for stdin), reading them as strict UTF-8 with any BOM kept, finding
// `.kube-fresh.yaml`, and writing a file atomically (temp file in the same folder, fsync, rename)
// with its mode kept, only if it is still what was read. Failures to read a path are values, so the
// other paths still proceed.

import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import {
  access,
  chmod,
  chown,
  lstat,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';

export const STDIN_ARGUMENT = '-';
/** How stdin is named in output. */
export const STDIN_NAME = '<stdin>';

export interface ManifestInput {
  /** The name shown to the user: the path as given (or under a given folder), or `<stdin>`. */
  readonly file: string;
  /** The path to write back to; undefined for stdin. */
  readonly path: string | undefined;
  readonly text: string;
  /** What the file was when read (undefined for stdin): a write goes ahead only if it still is. */
  readonly stamp?: FileStamp | undefined;
}

/**
 * Identity and content of a file at the time it was read. Size and mtime alone miss an edit made
 * within the filesystem's timestamp granularity, so the bytes' hash is compared too.
 */
export interface FileStamp {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly sha256: string;
}

export interface InputFailure {
  readonly file: string;
  readonly message: string;
}

export interface ManifestInputs {
  readonly inputs: readonly ManifestInput[];
  readonly failures: readonly InputFailure[];
}

const MANIFEST_EXTENSION = /\.ya?ml$/i;
/** Folders a walk never enters: version control and dependency trees hold no manifests of ours. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads every input named by `args`, in order; folders are walked in sorted order. */
export async function readManifestInputs(
  args: readonly string[],
  readStdin: () => Promise<Buffer> = readProcessStdin,
): Promise<ManifestInputs> {
  if (args.filter((arg) => arg === STDIN_ARGUMENT).length > 1) {
    throw new UsageError('"-" (stdin) can be given only once');
  }
  const inputs: ManifestInput[] = [];
  const failures: InputFailure[] = [];
  for (const arg of args) {
    if (arg === STDIN_ARGUMENT) {
      const decoded = decode(await readStdin(), STDIN_NAME);
      if (typeof decoded === 'string')
        inputs.push({ file: STDIN_NAME, path: undefined, text: decoded });
      else failures.push(decoded);
      continue;
    }
    const files = await expandPath(arg);
    if ('message' in files) {
      failures.push(files);
      continue;
    }
    for (const file of files) {
      const read = await readManifestFile(file);
      if ('message' in read) failures.push(read);
      else inputs.push(read);
    }
  }
  return { inputs, failures };
}

/** A file as is; a folder as its *.yaml / *.yml files, recursively (folder symlinks not followed). */
async function expandPath(arg: string): Promise<string[] | InputFailure> {
  try {
    const info = await stat(arg);
    if (!info.isDirectory()) return [arg];
    const found = await walk(arg);
    if (found.length === 0)
      return { file: arg, message: 'no *.yaml or *.yml files in this folder' };
    return found;
  } catch (error) {
    return { file: arg, message: describeError(error) };
  }
}

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) files.push(...(await walk(path)));
    } else if (
      MANIFEST_EXTENSION.test(entry.name) &&
      (await isFile(path, entry.isSymbolicLink()))
    ) {
      files.push(path);
    }
  }
  return files;
}

async function isFile(path: string, symlink: boolean): Promise<boolean> {
  if (!symlink) return (await lstat(path)).isFile();
  try {
    return (await stat(path)).isFile();
  } catch {
    return false; // a dangling link is not a manifest
  }
}

async function readManifestFile(file: string): Promise<ManifestInput | InputFailure> {
  try {
    const { bytes, stamp } = await readStamped(file);
    const decoded = decode(bytes, file);
    return typeof decoded === 'string' ? { file, path: file, text: decoded, stamp } : decoded;
  } catch (error) {
    return { file, message: describeError(error) };
  }
}

/** Reads a file through one descriptor, so the stamp describes exactly the bytes returned. */
async function readStamped(path: string): Promise<{ bytes: Buffer; stamp: FileStamp }> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    const bytes = await handle.readFile();
    const info = await handle.stat({ bigint: true });
    const stamp = {
      dev: info.dev,
      ino: info.ino,
      size: info.size,
      mtimeNs: info.mtimeNs,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    return { bytes, stamp };
  } finally {
    await handle.close();
  }
}

/** Why the file at `path` is no longer what `stamp` describes, or undefined if it still is. */
async function describeChange(path: string, stamp: FileStamp): Promise<string | undefined> {
  let now: { bytes: Buffer; stamp: FileStamp };
  try {
    now = await readStamped(path);
  } catch (error) {
    return `it can no longer be read (${describeError(error)})`;
  }
  const same =
    now.stamp.dev === stamp.dev &&
    now.stamp.ino === stamp.ino &&
    now.stamp.size === stamp.size &&
    now.stamp.mtimeNs === stamp.mtimeNs &&
    now.stamp.sha256 === stamp.sha256;
  return same ? undefined : 'it changed after kube-fresh read it';
}

/** A file `writeFileAtomic` refused to replace: changed meanwhile, read-only, or hard-linked. */
export class FileWriteRefused extends Error {
  override readonly name = 'FileWriteRefused';
}

export interface AtomicWriteOptions {
  /** The file as read: the write is refused if it is no longer exactly that. */
  readonly expected?: FileStamp | undefined;
  /** Test seam: runs after the temp file is written, just before the final check and rename. */
  readonly beforeRename?: (() => Promise<void>) | undefined;
}

function decode(bytes: Buffer, file: string): string | InputFailure {
  try {
    return utf8.decode(bytes);
  } catch {
    // Rewriting a file read with replacement characters would corrupt it; refuse instead.
    return { file, message: 'not valid UTF-8' };
  }
}

async function readProcessStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Replaces `path` with `text` so that readers see the old or the new file, never a mix: a temp file
 * in the same folder (same filesystem), fsync, rename over the target, fsync the folder. The mode
 * (and, where allowed, the owner) is kept; a symlink is followed so the link stays a link.
 *
 * Nothing is lost: with `expected`, the file is compared with what was read once before any work
 * and again right before the rename, and left untouched if it changed (an editor, `git checkout`, a
 * second run). A file nobody may write (no write permission for us, or no write bit at all) is a
 * "do not touch" mark and is refused, although a rename could replace it. A file with several hard
 * links is refused too: a rename would split them, the other names keeping the old text, and writing
 * in place instead would give up atomicity. These refusals are `FileWriteRefused`.
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = await realpath(path);
  const info = await stat(target);
  await refuseUnsafeTarget(target, info, options.expected);
  const folder = dirname(target);
  const temp = join(
    folder,
    `.${basename(target)}.kube-fresh-${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, info.mode & 0o7777);
    await chown(temp, info.uid, info.gid).catch(() => undefined); // only root may give files away
    await options.beforeRename?.();
    // The last check, as close to the rename as we can get it; a writer that slips into the few
    // microseconds between the two is not detectable without a lock that editors do not take.
    await refuseIfChanged(target, options.expected);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(folder);
}

async function refuseUnsafeTarget(
  target: string,
  info: Stats,
  expected: FileStamp | undefined,
): Promise<void> {
  await refuseIfChanged(target, expected);
  if ((info.mode & 0o222) === 0) {
    throw new FileWriteRefused('the file is read-only (no write permission bits); left untouched');
  }
  try {
    await access(target, constants.W_OK);
  } catch {
    throw new FileWriteRefused('no permission to write the file; left untouched');
  }
  if (info.nlink > 1) {
    throw new FileWriteRefused(
      `the file has ${info.nlink} hard links, and replacing it would split them (the other names would keep the old text); left untouched`,
    );
  }
}

async function refuseIfChanged(target: string, expected: FileStamp | undefined): Promise<void> {
  if (expected === undefined) return;
  const change = await describeChange(target, expected);
  if (change !== undefined) {
    throw new FileWriteRefused(`${change}; left untouched so that edit is not lost`);
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  // Some filesystems refuse fsync on a folder; the rename has happened either way.
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/** `.kube-fresh.yaml` in `start` or the nearest parent, stopping at a repository root (`.git`). */
export async function findLintConfigFile(start: string, name: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, name);
    if (await exists(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir || (await exists(join(dir, '.git')))) return undefined;
    dir = parent;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads a small text file (the lint config); errors are for the caller to word. */
export async function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return error instanceof Error ? error.message : String(error);
}
