import * as assert from 'node:assert/strict';
import { type ImageReference, imageLink, readImageReferences, referenceAt, retargetPath } from '../../src/core/documents';

/** Each reference's offsets must cover exactly the text they claim. */
function read(text: string): ImageReference[] {
  return readImageReferences(text, 'markdown');
}
function summary(text: string, refs: readonly ImageReference[]) {
  return refs.map((r) => ({ whole: text.slice(r.start, r.end), written: text.slice(r.pathStart, r.pathEnd), path: r.path, alt: r.alt, kind: r.kind, ...(r.title ? { title: r.title } : {}) }));
}

describe('Markdown image references', () => {
  it('reads inline images with titles, angle brackets, encoded paths and nested brackets', () => {
    const text = [
      '# Title ![logo](img/logo.png)',
      '',
      'Text ![a red fox](assets/fox.png "The fox") and ![x](<my file (1).png>) then',
      '![nested [brackets] here](a%20b.png#frag) and ![esc \\] alt](c\\_d.png?x=1)',
      '![猫の絵](図/猫.png)',
    ].join('\n');
    assert.deepEqual(summary(text, read(text)), [
      { whole: '![logo](img/logo.png)', written: 'img/logo.png', path: 'img/logo.png', alt: 'logo', kind: 'inline' },
      { whole: '![a red fox](assets/fox.png "The fox")', written: 'assets/fox.png', path: 'assets/fox.png', alt: 'a red fox', kind: 'inline', title: 'The fox' },
      { whole: '![x](<my file (1).png>)', written: 'my file (1).png', path: 'my file (1).png', alt: 'x', kind: 'inline' },
      { whole: '![nested [brackets] here](a%20b.png#frag)', written: 'a%20b.png#frag', path: 'a b.png', alt: 'nested [brackets] here', kind: 'inline' },
      { whole: '![esc \\] alt](c\\_d.png?x=1)', written: 'c\\_d.png?x=1', path: 'c_d.png', alt: 'esc ] alt', kind: 'inline' },
      { whole: '![猫の絵](図/猫.png)', written: '図/猫.png', path: '図/猫.png', alt: '猫の絵', kind: 'inline' },
    ]);
  });

  it('ignores images in fenced code, indented code and inline code', () => {
    const text = ['```md', '![no](fenced.png)', '```', '', '    ![no](indented.png)', '', 'Use `![no](code.png)` or ``![no](x.png)``, but ![yes](real.png).', '~~~', '![no](tilde.png)', '~~~'].join('\n');
    assert.deepEqual(read(text).map((r) => r.path), ['real.png']);
  });

  it('reads reference-style images: full, collapsed and shortcut, with the path in the definition', () => {
    const text = ['See ![A fox][fox], ![Fox][] and ![fox].', '', '[fox]: <assets/the fox.png> "Title here"', '[FOX]: ignored.png', '[other]: other.png'].join('\n');
    const refs = read(text);
    assert.deepEqual(summary(text, refs), [
      { whole: '![A fox][fox]', written: 'assets/the fox.png', path: 'assets/the fox.png', alt: 'A fox', kind: 'reference', title: 'Title here' },
      { whole: '![Fox][]', written: 'assets/the fox.png', path: 'assets/the fox.png', alt: 'Fox', kind: 'reference', title: 'Title here' },
      { whole: '![fox]', written: 'assets/the fox.png', path: 'assets/the fox.png', alt: 'fox', kind: 'reference', title: 'Title here' },
    ]);
    assert.equal(refs[0]!.delimiter, '<>');
    // the cursor on the definition finds the image that uses it
    assert.equal(referenceAt(refs, text.indexOf('the fox.png'))?.kind, 'reference');
  });

  it('reads definitions inside quotes and lists, and images in lists, quotes and tables', () => {
    const text = ['> ![q](quote.png)', '> more', '', '- item ![l](list.png)', '  continued ![l2](list2.png)', '', '| a | b |', '|---|---|', '| ![t1](t1.png) | x ![t2](t2.png) |', '', '> [d]: def.png', '', '![r][d]'].join('\n');
    assert.deepEqual(summary(text, read(text)).map((s) => [s.whole, s.written, s.path]), [
      ['![q](quote.png)', 'quote.png', 'quote.png'],
      ['![l](list.png)', 'list.png', 'list.png'],
      ['![l2](list2.png)', 'list2.png', 'list2.png'],
      ['![t1](t1.png)', 't1.png', 't1.png'],
      ['![t2](t2.png)', 't2.png', 't2.png'],
      ['![r][d]', 'def.png', 'def.png'],
    ]);
  });

  it('reads <img> in HTML blocks and inline HTML, not in comments or code', () => {
    const text = [
      '<div align="center">',
      '  <img src="assets/a b.png" alt="A &amp; B" width=200>',
      '  <!-- <img src="commented.png"> -->',
      '</div>',
      '',
      'Inline <IMG alt=\'x\' SRC=inline.png> here and `<img src="code.png">`.',
      '',
      '```html',
      '<img src="fenced.png">',
      '```',
    ].join('\n');
    assert.deepEqual(summary(text, read(text)), [
      { whole: '<img src="assets/a b.png" alt="A &amp; B" width=200>', written: 'assets/a b.png', path: 'assets/a b.png', alt: 'A & B', kind: 'html' },
      { whole: "<IMG alt='x' SRC=inline.png>", written: 'inline.png', path: 'inline.png', alt: 'x', kind: 'html' },
    ]);
  });

  it('reads an image whose alt text wraps over lines', () => {
    const text = 'Para ![a long\n  alt text](wrapped.png) end\n';
    const [ref] = read(text);
    assert.equal(text.slice(ref!.start, ref!.end), '![a long\n  alt text](wrapped.png)');
    assert.equal(ref!.alt, 'a long alt text');
  });

  it('gives exact offsets with CRLF line endings', () => {
    const lf = ['# T', '', '> ![a](one.png "t")', '', '![b][r]', '', '[r]: two.png', '', '<img src="three.png" alt="c">', ''].join('\n');
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = summary(lf, read(lf));
    const b = summary(crlf, read(crlf));
    assert.equal(a.length, 3);
    assert.deepEqual(b, a);
  });

  it('finds the reference under the cursor', () => {
    const text = 'a ![x](x.png) b ![y](y.png)';
    const refs = read(text);
    assert.equal(referenceAt(refs, text.indexOf('y.png'))?.path, 'y.png');
    assert.equal(referenceAt(refs, text.indexOf('![x]'))?.path, 'x.png');
    assert.equal(referenceAt(refs, text.indexOf(' b ') + 1), undefined);
  });

  it('reads back the links it writes', () => {
    for (const [alt, path] of [
      ['a red fox', 'assets/a-red-fox.png'],
      ['a [bracketed] (fox) \\ here', '../my assets/fox (1).png'],
      ['赤い狐 in snow', '画像/赤い 狐.png'],
      ['100% #1?', 'a%b#c?.png'],
    ] as const) {
      const link = imageLink('markdown', alt, path);
      const text = `Intro\n\n${link}\n`;
      const refs = read(text);
      assert.equal(refs.length, 1, link);
      assert.equal(refs[0]!.path, path, link);
      assert.equal(refs[0]!.alt, alt, link);
      assert.equal(text.slice(refs[0]!.start, refs[0]!.end), link);
    }
  });

  it('strips line breaks and bidi controls from the alt text', () => {
    assert.equal(imageLink('markdown', 'evil\u202Etxt.exe\nnext', 'a.png'), '![eviltxt.exe next](a.png)');
  });

  it('retargets inline, angle-bracket, reference and HTML paths', () => {
    const text = '![a](old.png) ![b](<old one.png>) ![c][r] <img src="old.png">\n\n[r]: old.png\n';
    for (const newPath of ['new (2).png', '新しい 画像/x#1.png']) {
      const refs = read(text);
      let edited = text;
      for (const ref of [...refs].sort((x, y) => y.pathStart - x.pathStart)) {
        edited = edited.slice(0, ref.pathStart) + retargetPath('markdown', ref, newPath, '/docs') + edited.slice(ref.pathEnd);
      }
      const after = read(edited);
      assert.deepEqual(after.map((r) => r.path), [newPath, newPath, newPath, newPath], edited);
      assert.deepEqual(after.map((r) => r.alt), ['a', 'b', 'c', '']);
      assert.equal(after[1]!.delimiter, '<>');
    }
  });
  it('reads an image whose alt text holds a link with the image’s own destination', () => {
    const text = 'See ![a [link](http://x.org/y) here](pic.png "t") and ![b ![inner](in.png) c](out.png).\n';
    assert.deepEqual(summary(text, read(text)), [
      { whole: '![a [link](http://x.org/y) here](pic.png "t")', written: 'pic.png', path: 'pic.png', alt: 'a link here', kind: 'inline', title: 't' },
      { whole: '![b ![inner](in.png) c](out.png)', written: 'out.png', path: 'out.png', alt: 'b inner c', kind: 'inline' },
    ]);
    const ref = read(text)[0]!;
    const edited = text.slice(0, ref.pathStart) + retargetPath('markdown', ref, 'new.png', '/docs') + text.slice(ref.pathEnd);
    assert.equal(edited, 'See ![a [link](http://x.org/y) here](new.png "t") and ![b ![inner](in.png) c](out.png).\n');
  });
});
