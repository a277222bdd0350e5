import * as assert from 'node:assert/strict';
import { altText, encodeLinkPath, markdownImageLink, relativePath, markupShare } from '../../src/core/markdown';

describe('markdown links', () => {
  it('puts the prompt on one line and escapes brackets', () => {
    assert.equal(altText('a [red]\n fox\\ in   snow'), 'a \\[red\\] fox\\\\ in snow');
  });
  it('drops bidi controls from the alt text', () => {
    assert.equal(altText('a fox \u202eright-to-left\u202c and \u2066isolated\u2069 \u200eeasy\u200f\u061c'), 'a fox right-to-left and isolated easy');
    assert.equal(altText('\u202e[x](command:y)'), '\\[x\\](command:y)');
    assert.equal(altText('漫画 \u2067狐狸\u2069'), '漫画 狐狸');
  });
  it('shortens long prompts at a word boundary with an ellipsis', () => {
    const alt = altText('word '.repeat(60));
    assert.ok([...alt].length <= 101, alt);
    assert.ok(alt.endsWith('word…'));
  });
  it('ends a long prompt at its last whole sentence when that is most of it', () => {
    const prompt = 'A cottage in deep snow at night, its windows lit. Smoke rises from the chimney into a sky of stars. The path to the door is still glowing.';
    assert.equal(altText(prompt), 'A cottage in deep snow at night, its windows lit. Smoke rises from the chimney into a sky of stars.');
    // A first sentence too short to stand for the picture: cut at a word, with an ellipsis.
    const short = altText(`Snow. ${'a lit cottage window '.repeat(8)}`);
    assert.ok(short.startsWith('Snow. a lit') && short.endsWith(' lit…'), short);
  });
  it('makes paths relative to the document folder with / separators', () => {
    assert.equal(relativePath('/ws/notes', '/ws/assets/a.png'), '../assets/a.png');
    assert.equal(relativePath('/ws', '/ws/assets/a.png'), 'assets/a.png');
    assert.equal(relativePath('/ws/a/b/c', '/ws/assets/x.png'), '../../../assets/x.png');
    assert.equal(relativePath('/ws/assets', '/ws/assets/x.png'), 'x.png');
  });
  it('puts ./ before a first segment with a colon, so it is not read as a URI scheme', () => {
    assert.equal(relativePath('/ws', '/ws/a:b.png'), './a:b.png');
    assert.equal(relativePath('/ws/assets', '/ws/assets/javascript:alert(1).png'), './javascript:alert(1).png');
    assert.equal(relativePath('/ws', '/ws/c:/x.png'), './c:/x.png');
    assert.equal(relativePath('/ws/notes', '/ws/a:b/x.png'), '../a:b/x.png');
    assert.equal(relativePath('/ws', '/ws/assets/a:b.png'), 'assets/a:b.png');
    assert.equal(markdownImageLink('fox', relativePath('/ws', '/ws/http:x.png')), '![fox](./http:x.png)');
  });
  it('encodes spaces and parentheses so the link survives, keeps CJK readable', () => {
    assert.equal(encodeLinkPath('../my assets/fox (1).png'), '../my%20assets/fox%20%281%29.png');
    assert.equal(encodeLinkPath('../assets/漫画-hello.png'), '../assets/漫画-hello.png');
    assert.equal(encodeLinkPath('a#b?c%d.png'), 'a%23b%3Fc%25d.png');
  });
  it('builds the whole link', () => {
    assert.equal(markdownImageLink('a red fox', '../assets/a-red-fox.png'), '![a red fox](../assets/a-red-fox.png)');
  });
});

describe('markup in a selection', () => {
  it('tells a selection of words from one that is mostly link or image markup', () => {
    assert.equal(markupShare('A cottage in the snow at night, its windows lit.'), 0);
    assert.ok(markupShare('windowsill](../assets/a-cottage-window-20261207.png)') > 0.5);
    assert.ok(markupShare('![A cottage](../assets/cottage.png)\n\n![A lake](../assets/lake.png)') > 0.5);
    assert.ok(markupShare('<img src="../assets/cottage.png" alt="x">') > 0.5);
    // A paragraph with one link in it is still mostly words.
    assert.ok(markupShare('The fox crossed the frozen river at dawn, as [the map](map.md) showed, and the village slept.') < 0.5);
    assert.equal(markupShare('   '), 0);
  });
});
