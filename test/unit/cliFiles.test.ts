import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempFiles } from '../../src/cli/files';

describe('flux-docs: temporary files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-temp-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('puts a new file in place and leaves no temporary file', async () => {
    const temps = new TempFiles();
    const target = path.join(dir, 'a.png');
    assert.equal(await temps.placeNew(await temps.write(target, [Buffer.from('ab'), Buffer.from('c')]), target), true);
    assert.equal(fs.readFileSync(target, 'utf8'), 'abc');
    assert.deepEqual(fs.readdirSync(dir), ['a.png']);
    assert.equal(temps.count, 0);
  });

  it('never writes over an existing file, and removes its temporary file', async () => {
    const temps = new TempFiles();
    const target = path.join(dir, 'a.png');
    fs.writeFileSync(target, 'theirs');
    assert.equal(await temps.placeNew(await temps.write(target, Buffer.from('ours')), target), false);
    assert.equal(fs.readFileSync(target, 'utf8'), 'theirs');
    assert.deepEqual(fs.readdirSync(dir), ['a.png']);
  });

  it('removes every temporary file still there at once, as on Ctrl+C', async () => {
    const temps = new TempFiles();
    await temps.write(path.join(dir, 'a.png'), Buffer.from('x'));
    await temps.write(path.join(dir, 'b.png'), Buffer.from('y'));
    assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.part')).length, 2);
    temps.removeAllNow();
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
