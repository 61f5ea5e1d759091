#!/usr/bin/env node
// Executable for both `kube-fresh` and `kubectl-fresh` (kubectl runs plugins named kubectl-<name>).

import { basename } from 'node:path';
import { installCrashGuard } from './crash-guard.ts';
import { main } from './main.ts';

installCrashGuard(process);

// `kube-fresh … | head` closes stdout early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const invokedAs = basename(process.argv[1] ?? 'kube-fresh').replace(/\.(js|ts)$/, '');
const programName = invokedAs.startsWith('kubectl') ? 'kubectl fresh' : 'kube-fresh';
// kubectl (≥ 1.26) runs `kubectl_complete-fresh WORDS…` for `kubectl fresh <TAB>`.
const argv =
  invokedAs === 'kubectl_complete-fresh'
    ? ['__complete', ...process.argv.slice(2)]
    : process.argv.slice(2);

// No top-level await: the single executable runs a CommonJS bundle, where it is not allowed.
void main(argv, {
  // A getter: touching process.stdin opens it, and only fix's prompt needs it.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  programName,
}).then((code) => {
  process.exitCode = code;
  // A completion answer is complete once written; an API request still retrying in the
  // background (unreachable cluster) must not keep the user's shell waiting.
  if (argv[0] === '__complete') process.exit(code);
});
