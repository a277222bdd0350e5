import * as assert from 'node:assert/strict';
import { candidateFileName, MAX_SLUG_LENGTH, slugify, timestampSuffix } from '../../src/core/naming';

const date = new Date(2026, 10, 24, 9, 5, 7);

/** What Windows, macOS and Linux all accept as a file name. */
function portable(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= 255 &&
    // eslint-disable-next-line no-control-regex -- control characters are what must not be there
    !/[<>:"/\\|?*\u0000-\u001f]/.test(name) &&
    !/[. ]$/.test(name) &&
    !/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(name)
  );
}

describe('file names', () => {
  it('slugs a plain prompt into lower-case words', () => {
    assert.equal(slugify('A Red Fox, in fresh snow!'), 'a-red-fox-in-fresh-snow');
  });
  it('keeps CJK and other letters, drops emoji and punctuation', () => {
    assert.equal(slugify('漫画风格的学习英文单词图:Hello'), '漫画风格的学习英文单词图-hello');
    assert.equal(slugify('Café déjà vu 🦊'), 'café-déjà-vu');
  });
  it('never yields path separators, reserved names, trailing dots or an empty name', () => {
    for (const p of ['../../etc/passwd', 'C:\\Windows\\system32', 'CON', 'nul', 'aux.', 'trailing dots...', '   ', '🦊🦊', '"quotes" <tags> |pipes|', 'a\u0000b\u001fc', '.hidden']) {
      const s = slugify(p);
      assert.ok(s.length > 0, p);
      assert.ok(!/[/\\]/.test(s), s);
      assert.ok(!/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(s), s);
      assert.ok(portable(candidateFileName(p, date, '.png', 0)), `${p} -> ${candidateFileName(p, date, '.png', 0)}`);
    }
    assert.equal(slugify('🦊🦊'), 'image');
    assert.equal(slugify('CON'), 'con-image');
  });
  it('shortens long prompts at a word boundary and very long words hard', () => {
    const s = slugify('the quick brown fox jumps over the lazy dog and keeps running far away into the hills');
    assert.ok([...s].length <= MAX_SLUG_LENGTH);
    assert.ok(!s.endsWith('-'));
    assert.ok('the quick brown fox jumps over the lazy dog and keeps'.replace(/ /g, '-').startsWith(s));
    assert.equal([...slugify('x'.repeat(500))].length, MAX_SLUG_LENGTH);
    assert.equal([...slugify('山'.repeat(500))].length, MAX_SLUG_LENGTH);
    assert.ok(portable(candidateFileName('山'.repeat(500), date, '.png', 99)));
  });
  it('adds a readable time suffix, then a counter for later candidates', () => {
    assert.equal(timestampSuffix(date), '20261124-090507');
    assert.equal(candidateFileName('Fox', date, '.png', 0), 'fox-20261124-090507.png');
    assert.equal(candidateFileName('Fox', date, '.png', 1), 'fox-20261124-090507-2.png');
  });
});
