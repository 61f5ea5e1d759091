import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCommandTree } from '../main.ts';
import {
  completeWords,
  Directive,
  formatCompletion,
  type NameSource,
  type TypedSelection,
} from './complete-words.ts';
import type { Command } from '@commander-js/extra-typings';

const seen: TypedSelection[] = [];
const names: NameSource = {
  contexts: (s) => (seen.push(s), Promise.resolve(['dev', 'prod'])),
  namespaces: (s) => (seen.push(s), Promise.resolve(['default', 'shop', 'kube-system'])),
  workloads: (s) => (seen.push(s), Promise.resolve(['deploy/web', 'deploy/worker', 'sts/db'])),
};

function realProgram(): Command {
  return buildCommandTree({
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: {},
    programName: 'kube-fresh',
  });
}

describe('completeWords over the real command tree', () => {
  const program = realProgram();
  const table: { words: string[]; values: string[]; directive: number }[] = [
    { words: ['st'], values: ['status'], directive: Directive.noFileComp },
    {
      words: ['status', '-o', ''],
      values: ['table', 'wide', 'json', 'yaml'],
      directive: Directive.noFileComp,
    },
    { words: ['status', '--output=j'], values: ['--output=json'], directive: Directive.noFileComp },
    { words: ['status', '-n', 's'], values: ['shop'], directive: Directive.noFileComp },
    {
      words: ['status', '--context', ''],
      values: ['dev', 'prod'],
      directive: Directive.noFileComp,
    },
    {
      words: ['explain', '-n', 'shop', 'deploy/w'],
      values: ['deploy/web', 'deploy/worker'],
      directive: Directive.noFileComp,
    },
    { words: ['explain', 'deploy/web', ''], values: [], directive: Directive.noFileComp },
    { words: ['lint', ''], values: [], directive: Directive.default },
    { words: ['status', '--kubeconfig', ''], values: [], directive: Directive.default },
    { words: ['ref', ''], values: [], directive: Directive.noFileComp },
  ];
  for (const row of table) {
    it(`completes ${JSON.stringify(row.words)}`, async () => {
      const result = await completeWords(program, row.words, names);
      assert.deepEqual(
        result.candidates.map((c) => c.value),
        row.values,
      );
      assert.equal(result.directive, row.directive);
    });
  }

  it('offers the flags of the command being typed, with their descriptions', async () => {
    const result = await completeWords(program, ['status', '--all'], names);
    assert.deepEqual(
      result.candidates.map((c) => c.value),
      ['--all-namespaces'],
    );
    assert.match(result.candidates[0]?.description ?? '', /every namespace/);
  });

  it('passes the typed --kubeconfig, --context and --namespace to the name source', async () => {
    seen.length = 0;
    await completeWords(
      program,
      ['explain', '--kubeconfig', '/k', '--context=prod', '-n', 'shop', ''],
      names,
    );
    assert.deepEqual(seen, [{ kubeconfig: '/k', context: 'prod', namespace: 'shop' }]);
  });

  it('never offers the hidden protocol command', async () => {
    const result = await completeWords(program, [''], names);
    assert.ok(!result.candidates.some((c) => c.value.startsWith('__')));
  });
});

describe('formatCompletion', () => {
  it('writes value<TAB>first line of the description, then :directive', () => {
    const text = formatCompletion({
      candidates: [{ value: 'a', description: 'one\ntwo' }, { value: 'b' }],
      directive: 4,
    });
    assert.equal(text, 'a\tone\nb\n:4\n');
  });
});
