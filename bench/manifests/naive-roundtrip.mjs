// Baseline for the benchmark: what a "just use the yaml library" pin does — parse every document,
// set each image, print with Document.toString — to show its cost and how many lines it disturbs.
// Usage: node bench/manifests/naive-roundtrip.mjs INPUT OUTPUT DIGEST
import { readFileSync, writeFileSync } from 'node:fs';
import { isScalar, parseAllDocuments, visit } from 'yaml';

const [input, output, digest] = process.argv.slice(2);
const docs = parseAllDocuments(readFileSync(input, 'utf8'));
for (const doc of docs) {
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'image' && isScalar(pair.value)) {
        pair.value.value = `${String(pair.value.value)}@${digest}`;
      }
    },
  });
}
writeFileSync(output, docs.map((doc) => doc.toString({ lineWidth: 0 })).join(''));
