// The version in package.json (dist/cli/ and src/cli/ both sit two levels below it). Its own
// module so that commands (lint's SARIF) can name it without importing the command tree.

import { readFileSync } from 'node:fs';

/** The version in package.json, read once at start-up. */
export function readVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
