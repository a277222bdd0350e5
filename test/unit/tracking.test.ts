import * as assert from 'node:assert/strict';
import { shiftOffset } from '../../src/core/tracking';

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
