import * as assert from 'node:assert/strict';
import { altText, encodeLinkPath, markdownImageLink, relativePath } from '../../src/core/markdown';

describe('markdown links', () => {
  it('puts the prompt on one line and escapes brackets', () => {
    assert.equal(altText('a [red]\n fox\\ in   snow'), 'a \\[red\\] fox\\\\ in snow');
  });
  it('shortens long prompts at a word boundary with an ellipsis', () => {
    const alt = altText('word '.repeat(60));
    assert.ok([...alt].length <= 101, alt);
    assert.ok(alt.endsWith('word…'));
  });
  it('makes paths relative to the document folder with / separators', () => {
    assert.equal(relativePath('/ws/notes', '/ws/assets/a.png'), '../assets/a.png');
    assert.equal(relativePath('/ws', '/ws/assets/a.png'), 'assets/a.png');
    assert.equal(relativePath('/ws/a/b/c', '/ws/assets/x.png'), '../../../assets/x.png');
    assert.equal(relativePath('/ws/assets', '/ws/assets/x.png'), 'x.png');
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
