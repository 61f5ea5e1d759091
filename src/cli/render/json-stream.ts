// Writes a large report as pretty JSON piece by piece: one `JSON.stringify` per array element
// instead of one string for the whole report, so a 5,000-Pod status does not hold its output twice.

/** Same text as `JSON.stringify(value, null, 2)`, with `arrayKey`'s elements written one at a time. */
export function writeJsonStreaming(
  value: Record<string, unknown>,
  arrayKey: string,
  write: (chunk: string) => void,
): void {
  const entries = Object.entries(value);
  write('{\n');
  entries.forEach(([key, entry], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (key === arrayKey && Array.isArray(entry) && entry.length > 0) {
      write(`  ${JSON.stringify(key)}: [\n`);
      entry.forEach((element: unknown, j) => {
        write(
          `    ${indent(JSON.stringify(element, null, 2), '    ')}${j < entry.length - 1 ? ',' : ''}\n`,
        );
      });
      write(`  ]${comma}\n`);
      return;
    }
    write(`  ${JSON.stringify(key)}: ${indent(JSON.stringify(entry, null, 2), '  ')}${comma}\n`);
  });
  write('}\n');
}

function indent(text: string, prefix: string): string {
  return text.replaceAll('\n', `\n${prefix}`);
}
