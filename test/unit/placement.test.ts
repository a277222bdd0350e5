import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { DocumentFamily, LinkInsertion, PlacementMode } from '../../src/core/placement';
import { placeLink } from '../../src/core/placement';
import { shiftOffset } from '../../src/core/tracking';

const LINK = '![a](p.png)';
const RST = '.. image:: p.png\n   :alt: a';
// Marks the anchor in a test document; not a pipe, which tables need.
const ANCHOR = '‸';

interface Case {
  readonly mode?: PlacementMode;
  readonly link?: string;
  readonly family?: DocumentFamily;
  readonly crlf?: boolean;
}

function apply(doc: string, insertion: LinkInsertion): string {
  return doc.slice(0, insertion.offset) + insertion.text + doc.slice(insertion.offset);
}

/** Places a link at the ‸ of `marked` and returns the whole resulting document. */
function place(marked: string, options: Case = {}): string {
  const at = marked.indexOf(ANCHOR);
  assert.ok(at >= 0, 'the test document marks its anchor');
  let doc = marked.slice(0, at) + marked.slice(at + 1);
  let anchor = at;
  const eol = options.crlf ? '\r\n' : '\n';
  if (options.crlf) {
    anchor = doc.slice(0, at).replace(/\n/g, '\r\n').length;
    doc = doc.replace(/\n/g, '\r\n');
  }
  const link = options.link ?? LINK;
  const insertion = placeLink(doc, anchor, options.mode ?? 'afterBlock', link, eol, options.family);
  assert.equal(insertion.text.slice(insertion.linkStart, insertion.linkEnd).replace(/\r?\n\s*/g, '\n'), link.replace(/\n\s*/g, '\n'));
  const result = apply(doc, insertion);
  if (options.crlf) assert.doesNotMatch(result, /[^\r]\n|\r[^\n]/, 'no lone line feed or carriage return');
  return result;
}

/** The same case with CRLF line endings: the expected text with CRLF too. */
function placeCrlf(marked: string, options: Case = {}): string {
  return place(marked, { ...options, crlf: true }).replace(/\r\n/g, '\n');
}

describe('link placement after a selection', () => {
  it('goes after a hard-wrapped paragraph, whichever of its lines holds the anchor', () => {
    const expected = 'One\ntwo\nthree.\n\n![a](p.png)\n\nNext.';
    assert.equal(place('One‸\ntwo\nthree.\n\nNext.'), expected);
    assert.equal(place('One\nt‸wo\nthree.\n\nNext.'), expected);
    assert.equal(place('One\ntwo\nthree.‸\n\nNext.'), expected);
    assert.equal(place('‸One\ntwo\nthree.\n\nNext.'), expected);
  });
  it('adds the blank lines the neighbours need, reusing one that is there', () => {
    assert.equal(place('One\ntwo‸\n# Next'), 'One\ntwo\n\n![a](p.png)\n\n# Next');
    assert.equal(place('One\ntwo‸\n\nNext.'), 'One\ntwo\n\n![a](p.png)\n\nNext.');
    assert.equal(place('One‸\n\n\nNext.'), 'One\n\n![a](p.png)\n\nNext.');
    assert.equal(place('One‸\n\n\n\nNext.'), 'One\n\n![a](p.png)\n\n\nNext.');
    assert.equal(place('One\ntwo‸\n\n'), 'One\ntwo\n\n![a](p.png)\n');
  });
  it('ends the document as it ended, with or without a final line break', () => {
    assert.equal(place('One\ntw‸o\n'), 'One\ntwo\n\n![a](p.png)\n');
    assert.equal(place('One\ntw‸o'), 'One\ntwo\n\n![a](p.png)');
  });
  it('takes a selection ending at the start of a line as ending on the line before', () => {
    assert.equal(place('One.\n‸Two.'), 'One.\nTwo.\n\n![a](p.png)');
    assert.equal(place('One.\n\n‸Two.'), 'One.\n\n![a](p.png)\n\nTwo.');
    assert.equal(place('One.\n\n\n‸Two.'), 'One.\n\n![a](p.png)\n\nTwo.');
  });
  it('keeps a setext heading whole', () => {
    assert.equal(place('Ti‸tle\n=====\nText.'), 'Title\n=====\n\n![a](p.png)\n\nText.');
  });
});

describe('link placement in lists and quotes', () => {
  it('stays inside a bullet item, at its content column', () => {
    assert.equal(place('- foo‸ bar\n  baz\n- next'), '- foo bar\n  baz\n\n  ![a](p.png)\n\n- next');
    assert.equal(place('* one\n* two‸\n\nAfter.'), '* one\n* two\n\n  ![a](p.png)\n\nAfter.');
  });
  it('stays inside an ordered item, whatever its marker width', () => {
    assert.equal(place('1. a‸\n2. b'), '1. a\n\n   ![a](p.png)\n\n2. b');
    assert.equal(place('9) x\n   y‸\n10) z'), '9) x\n   y\n\n   ![a](p.png)\n\n10) z');
    assert.equal(place('10.  wide‸\n11.  next'), '10.  wide\n\n     ![a](p.png)\n\n11.  next');
  });
  it('goes in the innermost item holding the anchor', () => {
    assert.equal(place('- a\n  - b‸\n  - c\n- d'), '- a\n  - b\n\n    ![a](p.png)\n\n  - c\n- d');
    assert.equal(place('- a‸\n  - b\n- d'), '- a\n\n  ![a](p.png)\n\n  - b\n- d');
  });
  it('reuses the blank line of a loose list', () => {
    assert.equal(place('- a‸\n\n- b\n'), '- a\n\n  ![a](p.png)\n\n- b\n');
    assert.equal(place('- a\n\n  more‸\n\n- b'), '- a\n\n  more\n\n  ![a](p.png)\n\n- b');
  });
  it('keeps the quote marker on the link and its blank lines', () => {
    assert.equal(place('> a‸\n> b\n\nafter'), '> a\n> b\n>\n> ![a](p.png)\n\nafter');
    assert.equal(place('> a‸\n>\n> c'), '> a\n>\n> ![a](p.png)\n>\n> c');
    assert.equal(place('> a‸\n\n> b'), '> a\n>\n> ![a](p.png)\n\n> b');
    assert.equal(place('> a‸\n> # H'), '> a\n>\n> ![a](p.png)\n>\n> # H');
  });
  it('keeps nested quote markers', () => {
    assert.equal(place('> > a‸\n> > b\n>\n> c'), '> > a\n> > b\n> >\n> > ![a](p.png)\n>\n> c');
    assert.equal(place('> > deep‸'), '> > deep\n> >\n> > ![a](p.png)');
  });
  it('combines a quote and an item', () => {
    assert.equal(place('> - a‸\n> - b'), '> - a\n>\n>   ![a](p.png)\n>\n> - b');
  });
  it('indents every line of a multi-line link (reStructuredText) inside an item', () => {
    assert.equal(place('- a‸\n- b', { link: RST }), '- a\n\n  .. image:: p.png\n     :alt: a\n\n- b');
  });
});

describe('link placement around code, front matter and tables', () => {
  const fence = 'Text.\n```js\nconst a = 1;\n\nconst b = 2;\n```\nAfter.';
  it('goes after a fence that holds the anchor, even on its blank line', () => {
    const expected = 'Text.\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n![a](p.png)\n\nAfter.';
    assert.equal(place(fence.replace('a = 1', 'a =‸ 1')), expected);
    assert.equal(place(fence.replace('1;\n\n', '1;\n‸\n'), { mode: 'atCursor' }), expected);
    assert.equal(place(fence.replace('```\nAfter', '``‸`\nAfter')), expected);
  });
  it('goes before a fence that follows the paragraph, not into it', () => {
    assert.equal(place(fence.replace('Text.', 'Text.‸')), 'Text.\n\n![a](p.png)\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\nAfter.');
  });
  it('knows a longer fence closes only with one as long', () => {
    assert.equal(place('~~~~\n```\nin‸\n~~~\n~~~~\nout'), '~~~~\n```\nin\n~~~\n~~~~\n\n![a](p.png)\n\nout');
  });
  it('goes after front matter (YAML and TOML)', () => {
    assert.equal(place('---\ntitle: ‸x\n---\n# H\n'), '---\ntitle: x\n---\n\n![a](p.png)\n\n# H\n');
    assert.equal(place('+++\ntitle = "x"‸\n+++\n\nText.'), '+++\ntitle = "x"\n+++\n\n![a](p.png)\n\nText.');
  });
  it('goes after a table', () => {
    assert.equal(place('| a | b |\n| - | - |\n| 1‸ | 2 |\n\nAfter.'), '| a | b |\n| - | - |\n| 1 | 2 |\n\n![a](p.png)\n\nAfter.');
    assert.equal(place('| a |‸ b |\n| - | - |\n| 1 | 2 |'), '| a | b |\n| - | - |\n| 1 | 2 |\n\n![a](p.png)');
  });
  it('goes after an indented code block, even on its blank line', () => {
    assert.equal(place('Para.\n\n    code\n‸\n    more\n\nx', { mode: 'atCursor' }), 'Para.\n\n    code\n\n    more\n\n![a](p.png)\n\nx');
  });
});

describe('link placement at the cursor', () => {
  it('goes on an empty line between paragraphs, exactly there', () => {
    assert.equal(place('One.\n‸\nTwo.', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n\nTwo.');
    assert.equal(place('One.\n‸\n\nTwo.', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n\nTwo.');
    assert.equal(place('One.\n\n‸\nTwo.', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n\nTwo.');
    // Blank lines all around: the link takes the cursor's empty line, adding none.
    assert.equal(place('One.\n\n‸\n\nTwo.', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n\nTwo.');
  });
  it('on a line of spaces, goes there without cutting anything', () => {
    assert.equal(place('One.\n  ‸  \nTwo.', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n    \nTwo.');
    assert.equal(place('One.\n  ‸', { mode: 'atCursor' }), 'One.\n  \n![a](p.png)');
  });
  it('in the middle or at either end of a line of text, goes after its paragraph', () => {
    const expected = 'One two\nthree.\n\n![a](p.png)\n\nNext.';
    assert.equal(place('One t‸wo\nthree.\n\nNext.', { mode: 'atCursor' }), expected);
    assert.equal(place('‸One two\nthree.\n\nNext.', { mode: 'atCursor' }), expected);
    assert.equal(place('One two‸\nthree.\n\nNext.', { mode: 'atCursor' }), expected);
  });
  it('at the end of a document ending in a line break', () => {
    assert.equal(place('One.\n‸', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n');
    assert.equal(place('One.\n\n‸', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n');
  });
  it('in an empty document, the link alone', () => {
    assert.equal(place('‸', { mode: 'atCursor' }), LINK);
    assert.equal(place('‸'), LINK);
  });
  it('in a document of blank lines, on the cursor line', () => {
    assert.equal(place('\n‸\n', { mode: 'atCursor' }), '\n![a](p.png)\n\n');
    assert.equal(place('‸\n\n', { mode: 'atCursor' }), '![a](p.png)\n\n');
  });
  it('inside a list item or a quote on their blank line', () => {
    assert.equal(place('- a\n‸\n  b\n- c', { mode: 'atCursor' }), '- a\n\n  ![a](p.png)\n\n  b\n- c');
    assert.equal(place('> a\n>‸\n> b', { mode: 'atCursor' }), '> a\n>\n> ![a](p.png)\n>\n> b');
  });
});

describe('link placement in CRLF documents', () => {
  it('splits and joins lines with CRLF', () => {
    assert.equal(placeCrlf('One\nt‸wo\n\nNext.'), 'One\ntwo\n\n![a](p.png)\n\nNext.');
    assert.equal(placeCrlf('One\ntw‸o\n'), 'One\ntwo\n\n![a](p.png)\n');
    assert.equal(placeCrlf('One\ntw‸o'), 'One\ntwo\n\n![a](p.png)');
    assert.equal(placeCrlf('- foo‸ bar\n  baz\n- next'), '- foo bar\n  baz\n\n  ![a](p.png)\n\n- next');
    assert.equal(placeCrlf('> a‸\n> b\n\nafter'), '> a\n> b\n>\n> ![a](p.png)\n\nafter');
    assert.equal(placeCrlf('```\nco‸de\n```\nx'), '```\ncode\n```\n\n![a](p.png)\n\nx');
    assert.equal(placeCrlf('One.\n‸\nTwo.', { mode: 'atCursor' }), 'One.\n\n![a](p.png)\n\nTwo.');
    assert.equal(placeCrlf('- a‸\n- b', { link: RST }), '- a\n\n  .. image:: p.png\n     :alt: a\n\n- b');
  });
});

describe('link placement in plain documents (blank-line blocks)', () => {
  it('goes after the run of non-blank lines, reading no Markdown', () => {
    assert.equal(place('Some text‸\n- not a list\n\nMore.', { family: 'plain', link: RST }), 'Some text\n- not a list\n\n.. image:: p.png\n   :alt: a\n\nMore.');
    assert.equal(place('```\nnot a fence‸\n\n```', { family: 'plain' }), '```\nnot a fence\n\n![a](p.png)\n\n```');
    assert.equal(place('> not‸ a quote', { family: 'plain' }), '> not a quote\n\n![a](p.png)');
  });
  it('keeps the smallest indentation of the block (a reStructuredText directive body)', () => {
    assert.equal(place('.. note::\n\n   Body‸\n   text.\n\nAfter.', { family: 'plain', link: RST }), '.. note::\n\n   Body\n   text.\n\n   .. image:: p.png\n      :alt: a\n\nAfter.');
  });
  it('on an empty line, exactly there', () => {
    assert.equal(place('<p>a</p>\n‸\n<p>b</p>', { family: 'plain', mode: 'atCursor', link: '<img src="p.png" alt="a">' }), '<p>a</p>\n\n<img src="p.png" alt="a">\n\n<p>b</p>');
  });
});

describe('two links placed at the same anchor', () => {
  function twice(marked: string, mode: PlacementMode): string {
    const at = marked.indexOf(ANCHOR);
    const doc = marked.slice(0, at) + marked.slice(at + 1);
    const first = placeLink(doc, at, mode, '![1](1.png)', '\n');
    const once = apply(doc, first);
    // As the editor moves the anchor: text inserted at or after it leaves it in place.
    const anchor = shiftOffset(at, [{ rangeOffset: first.offset, rangeLength: 0, text: first.text }]);
    return apply(once, placeLink(once, anchor, mode, '![2](2.png)', '\n'));
  }
  it('both stand alone, with single blank lines between', () => {
    assert.equal(twice('One\ntwo‸\n\nNext.', 'afterBlock'), 'One\ntwo\n\n![2](2.png)\n\n![1](1.png)\n\nNext.');
    assert.equal(twice('One\ntwo‸\nthree', 'afterBlock'), 'One\ntwo\nthree\n\n![2](2.png)\n\n![1](1.png)');
    assert.equal(twice('One\n‸two\nthree\n', 'atCursor'), 'One\ntwo\nthree\n\n![2](2.png)\n\n![1](1.png)\n');
    assert.equal(twice('One.\n‸\nTwo.', 'atCursor'), 'One.\n\n![2](2.png)\n\n![1](1.png)\n\nTwo.');
    assert.equal(twice('One.\n\n‸\nTwo.', 'atCursor'), 'One.\n\n![1](1.png)\n\n![2](2.png)\n\nTwo.');
    assert.equal(twice('‸', 'atCursor'), '![1](1.png)\n\n![2](2.png)');
    assert.equal(twice('- a‸\n- b', 'afterBlock'), '- a\n\n  ![2](2.png)\n\n  ![1](1.png)\n\n- b');
    assert.equal(twice('> a‸\n> b\n\nc', 'afterBlock'), '> a\n> b\n>\n> ![2](2.png)\n>\n> ![1](1.png)\n\nc');
  });
});

describe('link placement, every anchor of a set of documents', () => {
  const markdown = new MarkdownIt({ html: true });
  const documents = [
    'One\ntwo\nthree.\n\nNext paragraph\nwrapped.\n',
    '# Title\nText right under.\n\n\n\nAfter gaps.',
    '- a\n  b\n- c\n  - d\n  - e\n\n- f\n\n  more f\n\nEnd.\n',
    '1. one\n2. two\n   wrapped\n\n10) ten\n',
    '> a\n> b\n>\n> > c\n> > d\n>\n> e\n\nout',
    '---\ntitle: x\n---\nText.\n```js\ncode\n\n~~~\n```\nafter\n',
    'Para.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n    indented\n\n    code\n\n<div>\nhtml\n</div>\n',
    '> - q\n>   r\n> - s\n\nSetext\n---\n',
    '\n\n  \n\n',
    '',
    'x',
  ];

  function lineRange(text: string, offset: number): [number, number] {
    const start = Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
    const nl = text.indexOf('\n', offset);
    const end = nl < 0 ? text.length : nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
    return [start, end];
  }

  /** The line before/after the line holding `offset`, or undefined at the document's edge. */
  function neighbour(text: string, offset: number, direction: -1 | 1): string | undefined {
    const [start, end] = lineRange(text, offset);
    if (direction < 0) return start === 0 ? undefined : text.slice(lineRange(text, start - 1)[0], start).replace(/\r?\n$/, '');
    const nl = text.indexOf('\n', end);
    return nl < 0 ? undefined : text.slice(nl + 1, lineRange(text, nl + 1)[1]);
  }

  /** Each block's text, in order: the link's insertion must leave the others whole and separate. */
  function blockTexts(text: string): string[] {
    return markdown.parse(text, {}).filter((t) => t.type === 'inline' || t.type === 'fence' || t.type === 'code_block' || t.type === 'html_block').map((t) => `${t.type}:${t.content.replace(/\r/g, '')}`);
  }

  function check(doc: string, anchor: number, mode: PlacementMode, eol: string, family: DocumentFamily): void {
    const where = `${JSON.stringify(doc)} at ${anchor} (${mode}, ${family})`;
    const insertion = placeLink(doc, anchor, mode, LINK, eol, family);
    const [start, end] = lineRange(doc, insertion.offset);
    assert.ok(insertion.offset === start || insertion.offset === end, `never cuts a line: ${where}`);
    if (eol === '\r\n') assert.doesNotMatch(insertion.text, /[^\r]\n|^\n|\r[^\n]/, `only CRLF: ${where}`);
    const result = apply(doc, insertion);
    const linkAt = insertion.offset + insertion.linkStart;
    assert.equal(result.slice(linkAt, insertion.offset + insertion.linkEnd), LINK, where);
    const [lineStart, lineEnd] = lineRange(result, linkAt);
    const blankish = family === 'markdown' ? /^[ >]*$/ : /^[ \t]*$/;
    assert.match(result.slice(lineStart, linkAt), blankish, `only a prefix before the link: ${where}`);
    assert.equal(lineEnd, insertion.offset + insertion.linkEnd, `nothing after the link on its line: ${where}`);
    for (const side of [-1, 1] as const) {
      const line = neighbour(result, linkAt, side);
      assert.ok(line === undefined || blankish.test(line), `a blank line or the edge ${side < 0 ? 'above' : 'below'}: ${where} → ${JSON.stringify(result)}`);
    }
    if (family === 'markdown') {
      // Every block of the original is still there, whole, and the link is a paragraph of its own.
      const before = blockTexts(doc);
      const after = blockTexts(result);
      assert.deepEqual(after.filter((b) => b !== `inline:${LINK}`), before, `blocks kept: ${where} → ${JSON.stringify(result)}`);
      assert.equal(after.length, before.length + 1, `the link alone: ${where} → ${JSON.stringify(result)}`);
    }
  }

  for (const family of ['markdown', 'plain'] as const) {
    for (const eol of ['\n', '\r\n']) {
      it(`keeps every character and stands the link alone (${family}, ${JSON.stringify(eol)})`, () => {
        for (const lf of documents) {
          const doc = lf.replace(/\n/g, eol);
          for (let anchor = 0; anchor <= doc.length; anchor++) {
            if (doc[anchor - 1] === '\r' && doc[anchor] === '\n') continue; // no editor offset falls inside a CRLF
            for (const mode of ['afterBlock', 'atCursor'] as const) check(doc, anchor, mode, eol, family);
          }
        }
      });
    }
  }
});
