// Every string the extension localizes has a Simplified Chinese translation, and the package
// manifest's strings too: a new message without one fails here rather than in front of a user.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

function localizedStrings(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    // vscode.l10n.t('…') and t('…') in the host; text('…') and new FluxError(kind, '…') in the core.
    for (const m of text.matchAll(/(?:(?:l10n\.t|\bt|\btext)\(|FluxError\(\s*'\w+',)\s*('(?:[^'\\]|\\.)*')/g)) {
      found.add(JSON.parse(`"${m[1]!.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string);
    }
  }
  return found;
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
}

describe('localization', () => {
  it('translates every vscode.l10n.t string into zh-cn with the same placeholders', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const strings = localizedStrings();
    assert.ok(strings.size > 50, `found only ${strings.size} strings: the scan is broken`);
    const missing = [...strings].filter((s) => !bundle[s]);
    assert.deepEqual(missing, []);
    for (const s of strings) assert.deepEqual(placeholders(bundle[s]!), placeholders(s), s);
  });

  it('keeps no zh-cn translation of a string the extension no longer shows', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const strings = localizedStrings();
    assert.deepEqual(Object.keys(bundle).filter((k) => !strings.has(k)), []);
  });

  it('translates every package.nls.json key', () => {
    const en = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const zh = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    for (const m of manifest.matchAll(/"%([\w.]+)%"/g)) assert.ok(en[m[1]!], `package.json uses %${m[1]}% but package.nls.json lacks it`);
  });

  it('calls a house style one thing in zh-cn: 风格, never 样式', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const zh = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
    const styled = Object.entries({ ...bundle, ...zh }).filter(([, text]) => /风格/.test(text));
    assert.ok(styled.length > 5, 'no house style strings found: the check is broken');
    assert.deepEqual(Object.entries({ ...bundle, ...zh }).filter(([, text]) => /样式/.test(text)).map(([key]) => key), []);
  });
});
