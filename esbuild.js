// Builds the extension bundle (dist/), the webview bundle (media/build/) and, with --tests,
// transpiles tests, harness and benchmarks file by file into out/ for mocha and the runners.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
// `npm run cli`: only the flux-docs bundle, nothing else touched.
const cliOnly = process.argv.includes('--cli');
const CLI_OUT = 'cli/dist/flux-docs.js';

function listTs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

// undici and markdown-it are required from bundles of their own (dist/undici.js on the first
// request, dist/markdown-it.js when a document is first read), never at activation.
const vendorApart = {
  name: 'vendor-apart',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
    build.onResolve({ filter: /^markdown-it$/ }, () => ({ path: './markdown-it.js', external: true }));
    // jsonc-parser's UMD entry requires its parts through a wrapper a bundler cannot follow: its ES modules instead.
    build.onResolve({ filter: /^jsonc-parser$/ }, () => ({ path: require.resolve('jsonc-parser/lib/esm/main.js') }));
  },
};

// dist/extension.js is only what runs at activation (src/activation.ts); it requires the features
// (src/extension.ts, dist/features.js) on their first use.
const featuresApart = {
  name: 'features-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/extension$/ }, (args) => (args.importer.endsWith(path.join('src', 'activation.ts')) ? { path: './features.js', external: true } : undefined));
  },
};

const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
    });
  },
};

/** Bundles: CommonJS for the Node 20 extension host unless overridden, minified for release. */
const nodeBundle = {
  bundle: true,
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [problemMatcher],
};

async function main() {
  const configs = tests
    ? [{
        // Not bundled: each file keeps its own module so mocha and the harness can load them.
        entryPoints: [...listTs('src'), ...listTs('test'), ...listTs('bench'), ...listTs('webview')],
        outdir: 'out',
        outbase: '.',
        format: 'cjs',
        // `await import('./x')` becomes a require, which finds the transpiled file.
        supported: { 'dynamic-import': false },
        platform: 'node',
        target: 'node20',
        sourcemap: 'inline',
        logLevel: 'warning',
      }]
    : [
        { ...nodeBundle, entryPoints: ['src/activation.ts'], outfile: 'dist/extension.js', external: ['vscode'], supported: { 'dynamic-import': false }, plugins: [featuresApart, vendorApart, problemMatcher] },
        { ...nodeBundle, entryPoints: ['src/extension.ts'], outfile: 'dist/features.js', external: ['vscode'], supported: { 'dynamic-import': false }, plugins: [vendorApart, problemMatcher] },
        { ...nodeBundle, entryPoints: ['src/vendor/undici.ts'], outfile: 'dist/undici.js' },
        { ...nodeBundle, entryPoints: ['src/vendor/markdownIt.ts'], outfile: 'dist/markdown-it.js' },
        // flux-docs (cli/): the command line on the same core, self-contained so it runs from the
        // repository after `npm ci` and from its own package alike; undici apart, as for the
        // extension, so `check` never parses it.
        // A command-line tool starts on every call: always minified (half the source to parse, about
        // 20 ms of a 150 ms start), with a source map beside it for stack traces (--enable-source-maps).
        { ...nodeBundle, minify: true, sourcemap: true, entryPoints: ['src/cli/main.ts'], outfile: CLI_OUT, banner: { js: '#!/usr/bin/env node' }, supported: { 'dynamic-import': false }, plugins: [vendorApart, problemMatcher] },
        { ...nodeBundle, minify: true, sourcemap: true, entryPoints: ['src/vendor/undici.ts'], outfile: 'cli/dist/undici.js' },
        { ...nodeBundle, minify: true, sourcemap: true, entryPoints: ['src/vendor/markdownIt.ts'], outfile: 'cli/dist/markdown-it.js' },
        { ...nodeBundle, entryPoints: ['webview/main.ts'], outfile: 'media/build/studio.js', format: 'iife', platform: 'browser', target: 'es2022', tsconfig: 'webview/tsconfig.json' },
      ].filter((c) => c.entryPoints.every((p) => fs.existsSync(p)) && (!cliOnly || c.outfile.startsWith('cli/')));
  if (cliOnly) {
    fs.rmSync('cli/dist', { recursive: true, force: true });
  } else if (!tests) {
    // A release build must not ship a development build's leftovers (source maps).
    for (const dir of ['dist', 'media/build', 'cli/dist']) fs.rmSync(dir, { recursive: true, force: true });
  } else {
    // A test file whose source was deleted or renamed must not keep running from out/.
    fs.rmSync('out', { recursive: true, force: true });
  }
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
