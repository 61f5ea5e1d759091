// `pin`: read the manifests, ask the registry once per distinct tag what it points to now, and
// write each image as `repo:tag@sha256:…`. A file that does not parse, or whose tags do not all
// resolve, is reported and left untouched while the others proceed.

import { InternalError, UsageError } from '../core/errors.ts';
import type { ImageResolver } from '../core/image-resolver.ts';
import {
  readManifestInputs,
  type InputFailure,
  type ManifestInput,
  type ManifestInputs,
} from '../manifests/manifest-files.ts';
import { parseManifests, type ParsedManifests } from '../manifests/parse-manifests.ts';
import { countsOf } from '../manifests/verify-edits.ts';
import {
  collectPinTargets,
  planPins,
  type PinTargets,
  type SkippedImage,
} from '../manifests/pin-images.ts';
import { describeLookupFailure, lookupTags, type TagLookups } from './lookup-tags.ts';
import { finishEdits, type EditMode, type PlannedEdits } from './write-manifest-edits.ts';

export interface PinRequest {
  readonly paths: readonly string[];
  readonly mode: EditMode;
  readonly resolver: ImageResolver;
}

export interface PinChange {
  readonly line: number;
  readonly from: string;
  readonly to: string;
  /** `imagePullPolicy: IfNotPresent` was added (an untagged or `:latest` image). */
  readonly addedPullPolicy: boolean;
}

export interface PinnedFile {
  readonly file: string;
  readonly status: 'changed' | 'unchanged' | 'failed';
  /**
   * Why a failed file was left untouched: `parse` errors, a failed `lookup`, a failed `edit` check,
   * or a `write` refused (changed since read, read-only, hard-linked) or failed.
   */
  readonly failure?: {
    readonly kind: 'parse' | 'lookup' | 'edit' | 'write';
    readonly messages: readonly string[];
  };
  readonly changes: readonly PinChange[];
  /** Images left alone although not pinned (invalid references, block scalars). */
  readonly skipped: readonly SkippedImage[];
  /** The text after pinning (also for unchanged files); undefined when failed. */
  readonly output?: string;
  /** With mode `diff`: the unified diff. */
  readonly diff?: string;
}

export interface PinReport {
  readonly files: readonly PinnedFile[];
  readonly readFailures: readonly InputFailure[];
  /** Registry lookups made: one per distinct tag across all files. */
  readonly lookups: number;
}

type ReadInputs = (paths: readonly string[]) => Promise<ManifestInputs>;

export async function pinManifestFiles(
  request: PinRequest,
  read: ReadInputs = readManifestInputs,
): Promise<PinReport> {
  if (request.mode === 'write' && request.paths.includes('-')) {
    throw new UsageError('--write needs files: with "-" the pinned manifests go to stdout');
  }
  const { inputs, failures } = await read(request.paths);
  const entries: Entry[] = inputs.map((input) => ({ input, parsed: parseManifests(input.text) }));
  const targets: PinTargets = new Map();
  for (const { parsed } of entries) {
    // A file that does not parse is left alone, so its tags need no lookup.
    if (parsed && parsed.errors.length === 0) collectPinTargets(parsed, targets);
  }
  const lookups = await lookupTags(targets, request.resolver);
  const files: PinnedFile[] = [];
  for (const entry of entries) {
    const planned = planFile(entry, lookups);
    if ('status' in planned) files.push(planned);
    else files.push(await finishFile(entry.input, planned, request.mode));
  }
  return { files, readFailures: failures, lookups: lookups.requests };
}

/** An input and its parse; the parse is dropped once planned, so big files are not held twice. */
interface Entry {
  readonly input: ManifestInput;
  parsed: ParsedManifests | undefined;
}

interface PlannedFile extends PlannedEdits {
  readonly changes: readonly PinChange[];
  readonly skipped: readonly SkippedImage[];
}

function planFile(entry: Entry, lookups: TagLookups): PlannedFile | PinnedFile {
  const { input, parsed } = entry;
  entry.parsed = undefined;
  if (!parsed) throw new InternalError(`${input.file} was planned twice`);
  const file = input.file;
  if (parsed.errors.length > 0) {
    const messages = parsed.errors.map((e) => `${e.line}:${e.column}: ${e.message}`);
    return {
      file,
      status: 'failed',
      failure: { kind: 'parse', messages },
      changes: [],
      skipped: [],
    };
  }
  const plan = planPins(parsed, lookups.digests);
  if (plan.unresolved.length > 0) return lookupFailure(file, plan.unresolved, lookups);
  const changes = plan.pins.map(({ line, from, to, addedPullPolicy }) => ({
    line,
    from,
    to,
    addedPullPolicy,
  }));
  const { edits, expected, skipped } = plan;
  return { edits, expected, skipped, changes, before: countsOf(parsed) };
}

async function finishFile(
  input: ManifestInput,
  planned: PlannedFile,
  mode: EditMode,
): Promise<PinnedFile> {
  const { file } = input;
  const { changes, skipped } = planned;
  const outcome = await finishEdits(input, planned, mode);
  if (outcome.status === 'failed') {
    const failure = { kind: outcome.stage, messages: [outcome.reason] };
    return { file, status: 'failed', failure, changes: [], skipped };
  }
  const diff = outcome.status === 'changed' ? outcome.diff : '';
  return { file, status: outcome.status, changes, skipped, output: outcome.output, diff };
}

function lookupFailure(
  file: string,
  unresolved: readonly string[],
  lookups: TagLookups,
): PinnedFile {
  const messages = unresolved.map((key) => {
    const failure = lookups.failures.get(key);
    return failure ? describeLookupFailure(failure) : `${key}: not looked up`;
  });
  return {
    file,
    status: 'failed',
    failure: { kind: 'lookup', messages },
    changes: [],
    skipped: [],
  };
}
