// An independent reader: what a publishing platform's tools see in the files we write.
// exiftool comes from Debian's libimage-exiftool-perl, which scripts/setup.sh installs.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelImage } from '../../src/core/imageMeta';
import type { Recipe } from '../../src/core/recipe';
import { JPEG_BYTES, makePng, WEBP_BYTES, WEBP_LOSSY_BYTES } from '../fake/png';

const recipe: Recipe = {
  v: 1,
  prompt: 'A fox 🦊 & "friends" ]]> <b>שועל</b>',
  model: 'flux-kontext-pro',
  size: '16x9',
  seed: 42,
  provider: 'dmxapi',
  created: '2026-01-31T09:05:07.123Z',
};

type Tags = Record<string, unknown>;

function exiftool(file: string): Tags {
  const out = execFileSync('exiftool', ['-j', '-G1', '-struct', '-XMP:all', '-PNG:all', '-RIFF:all', file], { encoding: 'utf8' });
  return (JSON.parse(out) as Tags[])[0]!;
}

/** A tag's value whatever group exiftool files it under (`XMP-iptcExt:DigitalSourceType`…). */
function tag(tags: Tags, name: string): unknown {
  const key = Object.keys(tags).find((k) => k.split(':').pop()!.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : tags[key];
}

describe('exiftool reads what we write', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    try {
      execFileSync('exiftool', ['-ver'], { encoding: 'utf8' });
    } catch {
      throw new Error('exiftool is not installed: run scripts/setup.sh (it installs libimage-exiftool-perl)');
    }
    dir = mkdtempSync(join(tmpdir(), 'flux-exiftool-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, ext, bytes] of [
    ['PNG', 'png', makePng(16, 16, { seed: 1 })],
    ['JPEG', 'jpg', JPEG_BYTES],
    ['WebP (lossless)', 'webp', WEBP_BYTES],
    ['WebP (lossy)', 'webp', WEBP_LOSSY_BYTES],
  ] as const) {
    for (const embedRecipe of [true, false]) {
      it(`${name}, recipes ${embedRecipe ? 'on' : 'off'}: DigitalSourceType, the AI system${embedRecipe ? ' and the recipe' : ', no prompt'}`, () => {
        const pieces = labelImage(bytes, { recipe, embedRecipe });
        assert.ok(pieces);
        const file = join(dir, `${name.replace(/\W/g, '')}-${String(embedRecipe)}.${ext}`);
        writeFileSync(file, Buffer.concat(pieces));
        const tags = exiftool(file);
        assert.equal(tags['ExifTool:Warning'], undefined, JSON.stringify(tags));
        assert.equal(tag(tags, 'DigitalSourceType'), 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia', JSON.stringify(tags));
        assert.equal(tag(tags, 'AISystemUsed'), 'flux-kontext-pro', JSON.stringify(tags));
        const json = tag(tags, 'Recipe');
        if (embedRecipe) {
          assert.equal(typeof json, 'string', JSON.stringify(tags));
          assert.deepEqual(JSON.parse(json as string), recipe);
        } else {
          assert.equal(json, undefined);
          assert.ok(!JSON.stringify(tags).includes('fox'), 'no prompt anywhere');
        }
      });
    }
  }
});
