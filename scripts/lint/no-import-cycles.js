// A local ESLint rule: no import cycles between our own modules. Every relative import counts —
// static, `import type`, `export … from` and lazy `import()` — because a cycle through any of
// them means two modules that cannot be understood (or moved) apart. Reported on the import that
// closes the cycle, with the path. The graph is read from disk once per lint run.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+\.(?:ts|js|mjs))['"]/g;
const edgesOf = new Map();

function importsOf(file) {
  let edges = edgesOf.get(file);
  if (edges !== undefined) return edges;
  edges = [];
  edgesOf.set(file, edges);
  if (!existsSync(file)) return edges;
  const text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  for (const match of text.matchAll(SPECIFIER)) edges.push(resolve(dirname(file), match[1]));
  return edges;
}

/** A path from `from` back to `to`, or undefined. */
function pathBack(from, to) {
  const seen = new Set();
  const stack = [[from, [from]]];
  while (stack.length > 0) {
    const [file, path] = stack.pop();
    if (file === to) return path;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const next of importsOf(file)) stack.push([next, [...path, next]]);
  }
  return undefined;
}

export const noImportCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'disallow import cycles between project modules' },
    schema: [],
    messages: { cycle: 'import cycle: {{path}}' },
  },
  create(context) {
    const self = resolve(context.filename);
    const root = context.cwd;
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(self), source);
      const back = pathBack(target, self);
      if (back === undefined) return;
      const path = [self, ...back].map((f) => relative(root, f)).join(' → ');
      context.report({ node, messageId: 'cycle', data: { path } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
