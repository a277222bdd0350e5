import * as assert from 'node:assert/strict';
import { linkBlockAfterLine, linkBlockAtCursor, shiftOffset } from '../../src/core/tracking';

describe('anchor tracking', () => {
  it('moves with text inserted or deleted before it', () => {
    assert.equal(shiftOffset(10, [{ rangeOffset: 0, rangeLength: 0, text: 'abc' }]), 13);
    assert.equal(shiftOffset(10, [{ rangeOffset: 2, rangeLength: 5, text: '' }]), 5);
  });
  it('stays put for text typed at or after it', () => {
    assert.equal(shiftOffset(10, [{ rangeOffset: 10, rangeLength: 0, text: 'more words' }]), 10);
    assert.equal(shiftOffset(10, [{ rangeOffset: 20, rangeLength: 3, text: 'x' }]), 10);
  });
  it('lands at the end of a replacement that swallowed it', () => {
    assert.equal(shiftOffset(10, [{ rangeOffset: 5, rangeLength: 10, text: 'ab' }]), 7);
  });
  it('applies several changes in order', () => {
    assert.equal(shiftOffset(10, [{ rangeOffset: 30, rangeLength: 0, text: 'x' }, { rangeOffset: 0, rangeLength: 0, text: '12345' }]), 15);
  });
});

describe('link block', () => {
  it('makes the link its own paragraph under the line', () => {
    assert.equal(linkBlockAfterLine('![a](b.png)', 'next paragraph', '\n'), '\n\n![a](b.png)\n');
    assert.equal(linkBlockAfterLine('![a](b.png)', '', '\n'), '\n\n![a](b.png)');
    assert.equal(linkBlockAfterLine('![a](b.png)', undefined, '\r\n'), '\r\n\r\n![a](b.png)');
  });
});

describe('link at a cursor', () => {
  it('goes in as is on a blank line', () => {
    assert.equal(linkBlockAtCursor('![a](b.png)', '', '', 'next', '\n'), '![a](b.png)');
    assert.equal(linkBlockAtCursor('![a](b.png)', '  ', '', undefined, '\n'), '![a](b.png)');
  });
  it('goes below a line of text, keeping a blank line before the next paragraph', () => {
    assert.equal(linkBlockAtCursor('![a](b.png)', 'At dusk.', '', 'Then the lamp.', '\n'), '\n\n![a](b.png)\n');
    assert.equal(linkBlockAtCursor('![a](b.png)', 'At dusk.', '', '', '\n'), '\n\n![a](b.png)');
  });
  it('splits a paragraph around itself in the middle of text', () => {
    assert.equal(linkBlockAtCursor('![a](b.png)', 'One.', ' Two.', undefined, '\n'), '\n\n![a](b.png)\n\n');
    assert.equal(linkBlockAtCursor('![a](b.png)', '', 'Then the lamp.', undefined, '\r\n'), '![a](b.png)\r\n\r\n');
  });
});
