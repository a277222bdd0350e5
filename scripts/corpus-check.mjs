#!/usr/bin/env node
// The corpus check: node scripts/corpus-check.mjs DIR [--anchors N] [--show N]
//
// Reads every document under DIR (by file extension, through the language registry), then
// - checks each image reference: its path retargeted to a probe path must read back as that path
//   at the same place (offsets that do not hold the path would write over other text);
// - places a probe link at up to N anchors per document (every line's start, middle and end when
//   the document is small; an even spread of lines otherwise), in both placement modes, and judges
//   each distinct insertion with the language's rules (test/unit/structureJudges.ts): inside an
//   atomic block, splitting a list, separating a directive from its body, the link not read, or a
//   reference of the document no longer read the same.
// Prints a table per language and the first damaged cases. Runs on the modules the unit tests use
// (out/, built with `node esbuild.js --tests` when missing).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const maxAnchors = option('--anchors', 200);
const show = option('--show', 5);
const dir = args[0];
if (!dir) {
  console.error('usage: node scripts/corpus-check.mjs DIR [--anchors N] [--show N]');
  process.exit(2);
}
if (!existsSync(path.join(root, 'out/test/unit/structureJudges.js'))) execFileSync(process.execPath, ['esbuild.js', '--tests'], { cwd: root, stdio: 'inherit' });
const require = createRequire(import.meta.url);
const documents = require(path.join(root, 'out/src/core/documents/index.js'));
const { placeLink } = require(path.join(root, 'out/src/core/placement.js'));
const { judge } = require(path.join(root, 'out/test/unit/structureJudges.js'));

function* files(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

const stats = new Map();
const examples = [];
const row = (language) => {
  if (!stats.has(language)) stats.set(language, { documents: 0, anchors: 0, insertions: 0, atomic: 0, list: 0, directive: 0, unread: 0, lost: 0, references: 0, offsets: 0, skipped: 0, ms: 0 });
  return stats.get(language);
};
const PROBE = 'flux-probe/probe.png';

for (const file of files(path.resolve(dir))) {
  const ext = path.extname(file).slice(1);
  const language = documents.languageOfExtension(ext);
  if (!language || statSync(file).size > 2_000_000) continue;
  const text = readFileSync(file, 'utf8');
  const s = row(language);
  s.documents++;
  const started = performance.now();
  const { refs, skipped } = documents.readImageReferencesWithSkipped(text, language);
  s.ms += performance.now() - started;
  s.references += refs.length;
  s.skipped += skipped.length;
  for (const ref of refs) {
    let written;
    try {
      written = documents.retargetPath(language, ref, PROBE);
    } catch {
      continue; // a path the syntax cannot hold
    }
    const edited = text.slice(0, ref.pathStart) + written + text.slice(ref.pathEnd);
    const back = documents.readImageReferences(edited, language).find((r) => r.start === ref.start);
    if (!back || back.path !== PROBE) {
      s.offsets++;
      if (examples.length < show * 4) examples.push(`${language} ${file}: offsets ${ref.pathStart}-${ref.pathEnd} hold ${JSON.stringify(text.slice(ref.pathStart, ref.pathEnd))}, path ${JSON.stringify(ref.path)}`);
    }
  }
  const link = documents.imageLink(language, 'probe', PROBE);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const anchors = new Set();
  const step = Math.max(1, Math.ceil((lineStarts.length * 3) / maxAnchors));
  lineStarts.forEach((start, i) => {
    if (i % step) return;
    const end = i + 1 < lineStarts.length ? lineStarts[i + 1] - 1 : text.length;
    anchors.add(start);
    anchors.add(Math.floor((start + end) / 2));
    anchors.add(end);
  });
  const seen = new Set();
  for (const anchor of anchors) {
    for (const mode of ['afterBlock', 'atCursor']) {
      s.anchors++;
      const insertion = placeLink(text, anchor, mode, link, text.includes('\r\n') ? '\r\n' : '\n', language);
      const key = `${insertion.offset}:${insertion.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      s.insertions++;
      const result = text.slice(0, insertion.offset) + insertion.text + text.slice(insertion.offset);
      const verdict = judge(language, text, result, insertion.offset + insertion.linkStart, insertion.offset + insertion.linkEnd, PROBE);
      for (const d of verdict.damage) s[d]++;
      if (verdict.damage.length && examples.length < show * 4) {
        const line = text.slice(0, anchor).split('\n').length;
        examples.push(`${language} ${file}:${line} (${mode}): ${verdict.note}\n    ${JSON.stringify(result.slice(Math.max(0, insertion.offset - 120), insertion.offset + insertion.text.length + 120))}`);
      }
    }
  }
}

const columns = ['documents', 'anchors', 'insertions', 'atomic', 'list', 'directive', 'unread', 'lost', 'references', 'offsets', 'skipped'];
console.log(['language', ...columns, 'read docs/s'].join('\t'));
for (const [language, s] of stats) console.log([language, ...columns.map((c) => s[c]), Math.round(s.documents / (s.ms / 1000))].join('\t'));
console.log('\natomic: inside code/comment/table/verbatim/head/preamble; list: splits a list; directive: separates a directive or literal block from its body;');
console.log('unread: the link is not read as an image; lost: a reference of the document reads differently; offsets: a reference whose offsets do not hold its path; skipped: references left out with a reason.');
if (examples.length) console.log(`\n${examples.join('\n')}`);
