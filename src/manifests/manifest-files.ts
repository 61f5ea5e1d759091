// The filesystem side of the manifest commands: expanding PATH arguments (files, directories walked
// for *.yaml / *.yml, `-` for stdin), reading them as strict UTF-8 with any BOM kept, finding
// `.kube-fresh.yaml`, and writing a file atomically (temp file in the same folder, fsync, rename)
// with its mode kept. Failures to read a path are values, so the other paths still proceed.

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
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
    const decoded = decode(await readFile(file), file);
    return typeof decoded === 'string' ? { file, path: file, text: decoded } : decoded;
  } catch (error) {
    return { file, message: describeError(error) };
  }
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
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const target = await realpath(path);
  const info = await stat(target);
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
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(folder);
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
