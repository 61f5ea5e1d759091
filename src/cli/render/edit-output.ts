// What `pin` and `fix` print: the edited manifests (stdout mode), diffs, `--check` results, and on
// stderr the notes, warnings and per-file failures.

import type { FixReport } from '../../usecases/fix-manifest-files.ts';
import type { PinReport } from '../../usecases/pin-manifest-files.ts';

/**
 * The edited texts for stdout, in input order. Several files are joined as one YAML stream: a
 * `---` line between them (and a newline first when a file lacks its final one).
 */
export function joinOutputs(outputs: readonly string[]): string {
  return outputs
    .map((text, index) => {
      if (index === outputs.length - 1) return text;
      return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}---\n`;
    })
    .join('');
}

/** stderr lines for `pin`: notes on added pull policies, skipped images, failures, a summary. */
export function renderPinMessages(report: PinReport, mode: string): string {
  const lines: string[] = [];
  for (const failure of report.readFailures)
    lines.push(`error: ${failure.file}: ${failure.message}`);
  for (const file of report.files) {
    for (const change of file.changes.filter((c) => c.addedPullPolicy)) {
      lines.push(
        `note: ${file.file}:${change.line}: ${change.from} is "latest": pinned as ${change.to} and added ` +
          'imagePullPolicy: IfNotPresent (Kubernetes defaults :latest@digest to Always; a digest cannot go stale)',
      );
    }
    for (const skipped of file.skipped) {
      lines.push(
        `warning: ${file.file}:${skipped.line}: ${skipped.image} not pinned: ${skipped.reason}`,
      );
    }
    if (file.failure) {
      const why = file.failure.messages.join('; ');
      lines.push(`error: ${file.file}: left untouched (${file.failure.kind}): ${why}`);
    }
  }
  const changed = report.files.filter((f) => f.status === 'changed');
  const images = changed.reduce((sum, f) => sum + f.changes.length, 0);
  const verb = mode === 'write' ? 'pinned' : 'would pin';
  lines.push(
    `${verb} ${images} image${images === 1 ? '' : 's'} in ${changed.length} of ${report.files.length} file${report.files.length === 1 ? '' : 's'} (${report.lookups} tag${report.lookups === 1 ? '' : 's'} looked up)`,
  );
  return lines.map((line) => `${line}\n`).join('');
}

/** stdout for `pin --check`: the files that would change. */
export function renderPinCheck(report: PinReport): string {
  return report.files
    .filter((file) => file.status === 'changed')
    .map(
      (file) =>
        `${file.file}: ${file.changes.length} image${file.changes.length === 1 ? '' : 's'} not pinned to the current digest\n`,
    )
    .join('');
}

/** stderr lines for `fix`. */
export function renderFixMessages(report: FixReport, mode: string): string {
  const lines: string[] = [];
  for (const failure of report.readFailures)
    lines.push(`error: ${failure.file}: ${failure.message}`);
  for (const file of report.files) {
    for (const warning of file.warnings) lines.push(`warning: ${file.file}: ${warning}`);
    if (file.failure) {
      const why = file.failure.messages.join('; ');
      lines.push(`error: ${file.file}: left untouched (${file.failure.kind}): ${why}`);
    }
    for (const change of file.changes) {
      const from = change.from === undefined ? 'the default' : change.from;
      lines.push(
        `${file.file}:${change.line}: ${change.container} (${change.image}): imagePullPolicy ${from} -> ${change.to}`,
      );
    }
  }
  const changed = report.files.filter((f) => f.status === 'changed');
  const count = changed.reduce((sum, f) => sum + f.changes.length, 0);
  const verb = mode === 'write' ? 'set' : 'would set';
  lines.push(
    `${verb} imagePullPolicy on ${count} container${count === 1 ? '' : 's'} in ${changed.length} of ${report.files.length} file${report.files.length === 1 ? '' : 's'}`,
  );
  return lines.map((line) => `${line}\n`).join('');
}
