import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

// out/test/unit → the repository's src/
const SRC = path.resolve(__dirname, '../../../src');

/**
 * The modules `file` brings into its bundle: its relative imports that are not `import type`, and
 * its `import('…')` calls (the bundle inlines those: esbuild.js builds without dynamic import).
 */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const specifiers = [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+)';/gms), ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)];
  for (const m of specifiers) {
    const base = path.resolve(path.dirname(file), m[1]!);
    const resolved = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
    if (resolved) found.push(resolved);
  }
  return found;
}

function closure(entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    for (const next of runtimeImports(queue.pop()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen].map((f) => path.relative(SRC, f).split(path.sep).join('/')).sort();
}

describe('what runs at activation', () => {
  it('src/activation.ts loads only its stand-ins and the few small modules they need, never the features', () => {
    // dist/extension.js is built from this closure; the features (src/extension.ts) are required on first use.
    assert.deepEqual(closure(path.join(SRC, 'activation.ts')), [
      'activation.ts',
      'commands/ids.ts',
      'core/documents/types.ts',
      'core/tracking.ts',
      'languageFeatures/codeActionKinds.ts',
      'services/constants.ts',
      'services/places.ts',
      'studio/insertTarget.ts',
      'ui/details.ts',
    ]);
  });

  it('the closure check sees what the features load', () => {
    const features = closure(path.join(SRC, 'extension.ts'));
    for (const heavy of ['services/generationService.ts', 'studio/studioController.ts', 'core/imageMeta.ts', 'chat/imageTool.ts']) assert.ok(features.includes(heavy), heavy);
  });
});
