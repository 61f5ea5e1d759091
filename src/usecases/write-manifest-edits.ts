// The last step shared by `pin` and `fix`: apply a file's edits, check the result, and then print,
// diff, check or write it. A file whose result fails the check is reported and never written.

import { applyTextEdits, type TextEdit } from '../manifests/edit-images.ts';
import {
  FileWriteRefused,
  writeFileAtomic,
  type AtomicWriteOptions,
  type ManifestInput,
} from '../manifests/manifest-files.ts';
import { renderUnifiedDiff } from '../manifests/unified-diff.ts';
import {
  verifyEditedManifests,
  type ExpectedContainer,
  type ParseCounts,
} from '../manifests/verify-edits.ts';

/** `stdout`: print the result; `write`: replace the file; `check`: only tell; `diff`: print a diff. */
export type EditMode = 'stdout' | 'write' | 'check' | 'diff';

export type EditOutcome =
  | { readonly status: 'unchanged'; readonly output: string }
  | { readonly status: 'changed'; readonly output: string; readonly diff: string }
  | {
      readonly status: 'failed';
      /** `edit`: the result failed the check; `write`: the file was not replaced. */
      readonly stage: 'edit' | 'write';
      readonly reason: string;
    };

/** A file's edits, with what the check needs: no reference to the parse, so it can be freed. */
export interface PlannedEdits {
  readonly edits: readonly TextEdit[];
  readonly expected: readonly ExpectedContainer[];
  readonly before: ParseCounts;
}

export async function finishEdits(
  input: ManifestInput,
  plan: PlannedEdits,
  mode: EditMode,
  writeOptions: Pick<AtomicWriteOptions, 'beforeRename'> = {},
): Promise<EditOutcome> {
  const output = applyTextEdits(input.text, plan.edits);
  if (output === input.text) return { status: 'unchanged', output };
  const verdict = verifyEditedManifests(plan.before, output, plan.expected);
  if (!verdict.ok) return { status: 'failed', stage: 'edit', reason: verdict.reason };
  const diff = mode === 'diff' ? renderUnifiedDiff(input.file, input.text, plan.edits) : '';
  if (mode === 'write' && input.path !== undefined) {
    try {
      await writeFileAtomic(input.path, output, { ...writeOptions, expected: input.stamp });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const refused = error instanceof FileWriteRefused;
      return {
        status: 'failed',
        stage: 'write',
        reason: refused ? reason : `cannot write: ${reason}`,
      };
    }
  }
  return { status: 'changed', output, diff };
}
