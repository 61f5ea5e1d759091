import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../core/errors.ts';
import { detectFixMode } from './fix-mode.ts';

const EXISTING = new Set(['k8s', 'deploy/web', 'manifest.txt']);
const mode = (args: string[], given: string[] = []) =>
  detectFixMode({ args, given: new Set(given), isPath: (arg) => EXISTING.has(arg) });

describe('detectFixMode', () => {
  const table: Array<[string, string[], string[], 'live' | 'manifests']> = [
    ['no arguments at all: live on the current namespace', [], [], 'live'],
    ['cluster flags only', [], ['namespace', 'strategy', 'yes'], 'live'],
    ['KIND/NAME arguments', ['deployment/api', 'sts/db'], ['dryRun'], 'live'],
    ['stdin', ['-'], [], 'manifests'],
    ['an existing folder', ['k8s'], [], 'manifests'],
    ['an existing file, whatever its name', ['manifest.txt'], [], 'manifests'],
    ['an existing path that looks like KIND/NAME is a path', ['deploy/web'], [], 'manifests'],
    [
      'a .yaml name that does not exist (reported as unreadable later)',
      ['missing.yaml'],
      [],
      'manifests',
    ],
    ['.yml, any case', ['X.YML'], [], 'manifests'],
    ['--write', ['k8s'], ['write'], 'manifests'],
    ['--diff with a file', ['a.yaml'], ['diff'], 'manifests'],
    ['--pull-policy with a file', ['a.yaml'], ['pullPolicy'], 'manifests'],
  ];
  for (const [name, args, given, expected] of table) {
    it(name, () => assert.equal(mode(args, given), expected));
  }

  const refused: Array<[string, string[], string[], RegExp]> = [
    [
      'a live flag with a manifest path',
      ['k8s'],
      ['strategy'],
      /--strategy is a live-mode flag, but "k8s" is a manifest path/,
    ],
    [
      '-n with stdin',
      ['-'],
      ['namespace'],
      /--namespace is a live-mode flag, but "-" \(stdin\) selects manifest mode/,
    ],
    [
      '-o json with --diff',
      ['a.yaml'],
      ['diff', 'output'],
      /--output is a live-mode flag, but --diff selects manifest mode/,
    ],
    ['--dry-run with --write', ['k8s'], ['write', 'dryRun'], /--dry-run is a live-mode flag/],
    [
      'KIND/NAME with --write',
      ['deploy/api'],
      ['write'],
      /"deploy\/api" names a live workload \(KIND\/NAME\), but --write selects manifest mode/,
    ],
    ['KIND/NAME next to a file', ['a.yaml', 'sts/db'], [], /"sts\/db" names a live workload/],
    [
      'a manifest flag without paths',
      [],
      ['diff'],
      /--diff selects manifest mode, which needs PATH\.\.\. or -/,
    ],
  ];
  for (const [name, args, given, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => mode(args, given),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
      );
    });
  }
});
