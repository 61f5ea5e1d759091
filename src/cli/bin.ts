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
const programName = invokedAs.startsWith('kubectl-') ? 'kubectl fresh' : 'kube-fresh';

process.exitCode = await main(process.argv.slice(2), {
  // A getter: touching process.stdin opens it, and only fix's prompt needs it.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  programName,
});
