import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { EXIT_OK, EXIT_SOME, EXIT_USAGE, UsageError, parseCommandLine, parseShard } from '../../src/cli/args';
import { estimate } from '../../src/cli/estimate';
import { run } from '../../src/cli/run';
import { inShard, shardOf } from '../../src/cli/shard';

function streams() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  return { stdout, stderr, text: () => ({ out, err }) };
}

async function cli(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const s = streams();
  const code = await run({ argv, cwd, env, stdout: s.stdout, stderr: s.stderr });
  return { code, ...s.text() };
}

describe('flux-docs: the command line', () => {
  it('reads check, fill and recipe with their flags', () => {
    assert.deepEqual(parseCommandLine(['check']), { command: 'check', paths: [], json: false });
    assert.deepEqual(parseCommandLine(['check', 'docs', 'guide.md', '--json']), { command: 'check', paths: ['docs', 'guide.md'], json: true });
    assert.deepEqual(parseCommandLine(['fill', 'docs', '--dry-run', '--concurrency', '2', '--provider', 'bfl', '--model', 'flux-2-pro', '--budget', '1.5', '--shard', '3/4', '--json']), {
      command: 'fill',
      paths: ['docs'],
      json: true,
      dryRun: true,
      concurrency: 2,
      provider: 'bfl',
      model: 'flux-2-pro',
      budget: 1.5,
      shard: { index: 3, count: 4 },
    });
    assert.deepEqual(parseCommandLine(['fill', '--concurrency=8']), { command: 'fill', paths: [], json: false, dryRun: false, concurrency: 8, provider: 'dmxapi' });
    assert.deepEqual(parseCommandLine(['recipe', 'img/a.png']), { command: 'recipe', file: 'img/a.png' });
  });

  it('refuses unknown commands, unknown flags, bad values and a key given as an argument', () => {
    for (const argv of [
      ['make'],
      ['check', '--dry-run'],
      ['fill', '--key', 'sk-secret'],
      ['fill', '--api-key=sk-secret'],
      ['fill', '--concurrency', '0'],
      ['fill', '--concurrency', '9'],
      ['fill', '--concurrency', '2.5'],
      ['fill', '--provider', 'openai'],
      ['fill', '--model', 'a b'],
      ['fill', '--budget', '-1'],
      ['fill', '--budget', 'lots'],
      ['fill', '--shard'],
      ['recipe'],
      ['recipe', 'a.png', 'b.png'],
    ]) {
      assert.throws(() => parseCommandLine(argv), UsageError, argv.join(' '));
    }
  });

  it('takes a shard only as I/N with 1 ≤ I ≤ N', () => {
    assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
    assert.deepEqual(parseShard('4/4'), { index: 4, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1/', '/4', '1-4', '1/4/2', ' 1/4', '+1/4', '01/4', '1.0/4', 'a/b', '1/1000', '']) {
      assert.throws(() => parseShard(bad), UsageError, bad);
    }
  });

  it('gives exit 2 with the usage for a bad flag or shard, and never echoes a key from the arguments', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-args-'));
    try {
      const bad = await cli(dir, ['fill', '--shard', '5/4']);
      assert.equal(bad.code, EXIT_USAGE);
      assert.match(bad.err, /--shard takes I\/N/);
      assert.match(bad.err, /Usage:/);
      const key = await cli(dir, ['fill', '--key=sk-supersecret-123']);
      assert.equal(key.code, EXIT_USAGE);
      assert.doesNotMatch(key.out + key.err, /supersecret/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 0 with no missing image, 1 with some, 2 for a path that does not exist or no key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-exit-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.md'), '# A\n\n![A fox](fox.png)\n');
      const some = await cli(dir, ['check']);
      assert.equal(some.code, EXIT_SOME);
      assert.match(some.out, /missing a\.md: fox\.png/);
      fs.writeFileSync(path.join(dir, 'fox.png'), 'x');
      assert.equal((await cli(dir, ['check'])).code, EXIT_OK);
      const nowhere = await cli(dir, ['check', 'no-such-folder']);
      assert.equal(nowhere.code, EXIT_USAGE);
      assert.match(nowhere.err, /no-such-folder does not exist/);
      const noKey = await cli(dir, ['fill']);
      assert.equal(noKey.code, EXIT_USAGE);
      assert.match(noKey.err, /FLUX_API_KEY/);
      const noBflKey = await cli(dir, ['fill', '--provider', 'bfl'], { FLUX_API_KEY: 'sk-x' });
      assert.equal(noBflKey.code, EXIT_USAGE);
      assert.match(noBflKey.err, /BFL_API_KEY/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves .gitignored files, node_modules and .git out, and skips a document that is not UTF-8', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-ignore-'));
    try {
      const write = (rel: string, text: string | Buffer) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      write('.gitignore', 'build/\n*.draft.md\n');
      write('docs/.gitignore', '!keep.draft.md\n');
      write('a.md', '![A](a.png)\n');
      write('build/b.md', '![B](b.png)\n');
      write('c.draft.md', '![C](c.png)\n');
      write('docs/keep.draft.md', '![K](k.png)\n');
      write('node_modules/pkg/readme.md', '![N](n.png)\n');
      write('.git/x.md', '![G](g.png)\n');
      write('latin1.md', Buffer.from([0x21, 0x5b, 0xe9, 0x5d, 0x28, 0x6c, 0x2e, 0x70, 0x6e, 0x67, 0x29, 0x0a]));
      const { code, out } = await cli(dir, ['check', '--json']);
      assert.equal(code, EXIT_SOME);
      const result = JSON.parse(out) as { missing: { path: string }[]; skipped: { document: string; reason: string }[] };
      assert.deepEqual(result.missing.map((m) => m.path), ['a.png', 'docs/k.png']);
      assert.deepEqual(result.skipped, [{ document: 'latin1.md', reference: '', reason: 'the document is not UTF-8 text' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips a reference that climbs out of the repository, saying why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-out-'));
    try {
      fs.mkdirSync(path.join(dir, 'repo', '.git'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'repo', 'a.md'), '![Up](../../escape.png)\n');
      const { code, out } = await cli(path.join(dir, 'repo'), ['check']);
      assert.equal(code, EXIT_OK);
      assert.match(out, /skipped a\.md: \.\.\/\.\.\/escape\.png \(it climbs out of the repository\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('flux-docs: shards', () => {
  const paths = Array.from({ length: 400 }, (_, i) => `docs/section-${i % 17}/images/figure-${i}.png`);

  it('puts every image in exactly one shard, for N = 1..8', () => {
    for (let n = 1; n <= 8; n++) {
      const counts = new Array<number>(n).fill(0);
      for (const p of paths) {
        const owners = Array.from({ length: n }, (_, i) => i + 1).filter((i) => inShard(p, { index: i, count: n }));
        assert.equal(owners.length, 1, `${p} in ${n} shards`);
        counts[owners[0]! - 1]!++;
      }
      // A fair share: no shard empty, none with more than twice its part.
      for (const c of counts) assert.ok(c > 0 && c < (2 * paths.length) / n, `N=${n}: ${counts.join(',')}`);
    }
  });

  it('is stable: a path keeps its shard whatever else is added', () => {
    const before = paths.map((p) => shardOf(p, 4));
    const after = [...paths, ...Array.from({ length: 100 }, (_, i) => `other/new-${i}.png`)].slice(0, paths.length).map((p) => shardOf(p, 4));
    assert.deepEqual(after, before);
    // Known values, so a change of hash (which would move every image between CI jobs) is seen.
    assert.deepEqual(['a.png', 'docs/img/fox.png', 'images/图.png'].map((p) => shardOf(p, 4)), [2, 3, 4]);
    assert.equal(inShard('a.png', undefined), true);
  });
});

describe('flux-docs: the estimate adapter', () => {
  it('adds the per-image price and counts an unknown model at the dearest', () => {
    assert.equal(estimate([]), 0);
    assert.equal(estimate([{ model: 'flux-kontext-pro', provider: 'dmxapi', size: '1x1' }, { model: 'flux-kontext-pro', provider: 'dmxapi', size: '1x1' }]), 0.08);
    assert.ok(estimate([{ model: 'someone-else', provider: 'dmxapi', size: '1x1' }]) >= estimate([{ model: 'flux-kontext-max', provider: 'dmxapi', size: '1x1' }]));
  });
});
