import * as assert from 'node:assert/strict';
import { formatElapsed } from '../../src/core/elapsed';
import { formatText } from '../../src/core/errors';
import { type LinkedImage, linkedSummary } from '../../src/core/linkSummary';

const said = (images: LinkedImage[]) => {
  const t = linkedSummary(images);
  return t && formatText(t);
};

describe('finished images, told together', () => {
  it('names one image and its document, never a line', () => {
    assert.equal(said([{ image: 'assets/fox.png', document: 'story.md', retargeted: false }]), 'Saved assets/fox.png and linked it in story.md.');
    assert.equal(said([{ image: 'assets/fox-2.png', document: 'story.md', retargeted: true }]), 'Saved assets/fox-2.png and pointed the image in story.md at it.');
  });

  it('counts several in one document, or in several', () => {
    const a = { image: 'assets/a.png', document: 'story.md', retargeted: false };
    const b = { image: 'assets/b.png', document: 'story.md', retargeted: true };
    const c = { image: 'assets/c.png', document: 'notes/other.md', retargeted: false };
    assert.equal(said([a, b, { ...a, image: 'assets/d.png' }]), '3 images linked in story.md.');
    assert.equal(said([a, b, c]), '3 images linked in 2 documents.');
    for (const text of [said([a, b]), said([a, b, c])]) assert.doesNotMatch(text ?? '', /line/);
  });

  it('says nothing of no images', () => {
    assert.equal(linkedSummary([]), undefined);
  });
});

describe('elapsed time in the status bar', () => {
  it('reads like a clock', () => {
    assert.equal(formatElapsed(0), '0:00');
    assert.equal(formatElapsed(14_999), '0:14');
    assert.equal(formatElapsed(62_000), '1:02');
    assert.equal(formatElapsed(3_723_000), '1:02:03');
    assert.equal(formatElapsed(-5), '0:00');
    assert.equal(formatElapsed(Number.NaN), '0:00');
  });
});
