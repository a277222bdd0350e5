import * as assert from 'node:assert/strict';
import { posix } from 'node:path';
import { type DocumentLanguage, type ImageReference, documentLanguage, imageLink, readImageReferences, readImageReferencesWithSkipped, retargetPath } from '../../src/core/documents';
import { FluxError } from '../../src/core/errors';

function summary(text: string, refs: readonly ImageReference[]) {
  return refs.map((r) => ({ whole: text.slice(r.start, r.end), written: text.slice(r.pathStart, r.pathEnd), path: r.path, alt: r.alt, kind: r.kind }));
}
function both(lf: string, language: DocumentLanguage) {
  const a = summary(lf, readImageReferences(lf, language));
  const crlf = lf.replace(/\n/g, '\r\n');
  // the same references, whose text differs only by its line breaks
  const b = summary(crlf, readImageReferences(crlf, language)).map((r) => ({ ...r, whole: r.whole.replace(/\r\n/g, '\n') }));
  assert.deepEqual(b, a, 'CRLF gives the same references');
  return a;
}

describe('document languages', () => {
  it('maps VS Code language ids', () => {
    assert.deepEqual(['markdown', 'mdx', 'quarto', 'rmd', 'html', 'restructuredtext', 'asciidoc', 'latex', 'tex', 'plaintext', 'toString'].map(documentLanguage), [
      'markdown', 'markdown', 'markdown', 'markdown', 'html', 'restructuredtext', 'asciidoc', 'latex', 'latex', undefined, undefined,
    ]);
  });
});

describe('HTML image references', () => {
  it('reads img tags, skipping comments, scripts and textareas', () => {
    const text = '<p><img\n  src="a%20b.png?v=1" alt="Fox &quot;red&quot;"/></p>\n<!-- <img src="c.png"> -->\n<script>const s = "<img src=\'d.png\'>";</script>\n<textarea><img src="e.png"></textarea>\n<img src=f.png alt=x><img alt="no src">';
    assert.deepEqual(both(text, 'html'), [
      { whole: '<img\n  src="a%20b.png?v=1" alt="Fox &quot;red&quot;"/>', written: 'a%20b.png?v=1', path: 'a b.png', alt: 'Fox "red"', kind: 'html' },
      { whole: '<img src=f.png alt=x>', written: 'f.png', path: 'f.png', alt: 'x', kind: 'html' },
    ]);
  });
  it('escapes the attribute values it writes', () => {
    assert.equal(imageLink('html', 'a <b> & "c"', 'x y/a&b.png'), '<img src="x%20y/a&amp;b.png" alt="a &lt;b&gt; &amp; &quot;c&quot;">');
  });
});

describe('reStructuredText image references', () => {
  it('reads image and figure directives with options and captions', () => {
    const text = [
      'Title',
      '=====',
      '',
      '.. image:: images/fox\\ one.png',
      '   :alt: A red fox',
      '   :width: 200px',
      '',
      '.. figure:: img/猫.png',
      '   :width: 50%',
      '',
      '   The **cat** caption',
      '   on two lines.',
      '',
      '   Legend paragraph.',
      '',
      '.. note::',
      '',
      '   .. image:: in-note.png',
      '',
      '.. |logo| image:: logo.png',
      '   :alt: Logo',
    ].join('\n');
    assert.deepEqual(both(text, 'restructuredtext'), [
      { whole: '.. image:: images/fox\\ one.png\n   :alt: A red fox\n   :width: 200px', written: 'images/fox\\ one.png', path: 'images/fox one.png', alt: 'A red fox', kind: 'image' },
      { whole: '.. figure:: img/猫.png\n   :width: 50%\n\n   The **cat** caption\n   on two lines.', written: 'img/猫.png', path: 'img/猫.png', alt: 'The cat caption on two lines.', kind: 'figure' },
      { whole: '.. image:: in-note.png', written: 'in-note.png', path: 'in-note.png', alt: '', kind: 'image' },
      { whole: '.. |logo| image:: logo.png\n   :alt: Logo', written: 'logo.png', path: 'logo.png', alt: 'Logo', kind: 'image' },
    ]);
  });
  it('ignores directives in comments, literal blocks and code blocks', () => {
    const text = ['.. this is a comment', '   .. image:: c1.png', '', 'Example::', '', '    .. image:: literal.png', '', '.. code-block:: rst', '', '   .. image:: code.png', '', '..', '   .. image:: c2.png', '', '.. image:: real.png'].join('\n');
    assert.deepEqual(readImageReferences(text, 'restructuredtext').map((r) => r.path), ['real.png']);
  });
});

describe('AsciiDoc image references', () => {
  it('reads block and inline macros with alt text and named attributes', () => {
    const text = [
      '= Doc',
      '',
      'image::images/fox one.png[A red fox,300,200]',
      '',
      'Text image:icons/ok.png[OK] and image:x.png[alt="Quoted, with comma",width=20] end.',
      '',
      'image::猫.png["猫, 猫"]',
      '',
      'Escaped \\image:no.png[no].',
    ].join('\n');
    assert.deepEqual(both(text, 'asciidoc'), [
      { whole: 'image::images/fox one.png[A red fox,300,200]', written: 'images/fox one.png', path: 'images/fox one.png', alt: 'A red fox', kind: 'block' },
      { whole: 'image:icons/ok.png[OK]', written: 'icons/ok.png', path: 'icons/ok.png', alt: 'OK', kind: 'inline-macro' },
      { whole: 'image:x.png[alt="Quoted, with comma",width=20]', written: 'x.png', path: 'x.png', alt: 'Quoted, with comma', kind: 'inline-macro' },
      { whole: 'image::猫.png["猫, 猫"]', written: '猫.png', path: '猫.png', alt: '猫, 猫', kind: 'block' },
    ]);
  });
  it('ignores listing, literal, comment and source blocks and comment lines', () => {
    const text = ['----', 'image::l1.png[]', '----', '....', 'image::l2.png[]', '....', '////', 'image::c.png[]', '////', '// image::c2.png[]', '[source,asciidoc]', 'image::s.png[]', '', ' image::indented.png[]', '', '```', 'image::f.png[]', '```', 'image::real.png[Real]'].join('\n');
    assert.deepEqual(readImageReferences(text, 'asciidoc').map((r) => r.path), ['real.png']);
  });
  it('resolves the document’s own attributes and imagesdir; skips a target it cannot resolve, with the reason', () => {
    const text = [':imagesdir: pics', ':shots: screens/v{version}', ':version: 2', '', 'image::{imagesdir}/a.png[A]', 'image::{version}.png[]', 'image::{undefined}/b.png[B]', ':version: 3', ':shots: screens/v{version}', '', 'See image:{shots}/c.png[C].', '', ':imagesdir: {docdir}/img', 'image::d.png[]', 'image::https://x.org/e.png[]', ':imagesdir!:', 'image::f.png[]'].join('\n');
    const { refs, skipped } = readImageReferencesWithSkipped(text, 'asciidoc');
    assert.deepEqual(refs.map((r) => [r.path, text.slice(r.pathStart, r.pathEnd), r.base]), [
      ['pics/pics/a.png', '{imagesdir}/a.png', 'pics'],
      ['pics/2.png', '{version}.png', 'pics'],
      ['pics/screens/v3/c.png', '{shots}/c.png', 'pics'],
      ['https://x.org/e.png', 'https://x.org/e.png', undefined],
      ['f.png', 'f.png', undefined],
    ]);
    assert.deepEqual(skipped.map((s) => [text.slice(s.start, s.end), s.reason]), [
      ['image::{undefined}/b.png[B]', 'the attribute {undefined} is not defined in the document'],
      ['image::d.png[]', 'the document’s imagesdir uses an attribute it does not define'],
    ]);
    // a path under imagesdir is written relative to it
    const under = ':imagesdir: pics\n\nimage::a.png[A]\n';
    const [ref] = readImageReferences(under, 'asciidoc');
    for (const target of ['pics/new.png', 'other/new.png']) {
      const edited = under.slice(0, ref!.pathStart) + retargetPath('asciidoc', ref!, target, '/docs') + under.slice(ref!.pathEnd);
      assert.equal(readImageReferences(edited, 'asciidoc')[0]!.path, target, edited);
    }
  });
  it('retargets an AsciiDoc path under an imagesdir that climbs out of the document’s folder (../images)', () => {
    // docs/guide.adoc; Asciidoctor reads image::street.jpg[] as docs/../images/street.jpg
    const folder = '/repo/docs';
    const text = ':imagesdir: ../images\n\nimage::street.jpg[A street]\n';
    const [ref] = readImageReferences(text, 'asciidoc');
    assert.equal(ref!.path, '../images/street.jpg');
    const cases: [string, string][] = [
      ['../images/street.png', 'street.png'],
      // an edit's output folder next to the document, a subfolder, another folder of the repository
      ['images/street-edit.png', '../docs/images/street-edit.png'],
      ['street.png', '../docs/street.png'],
      ['../shared/pics/street.png', '../shared/pics/street.png'],
    ];
    for (const [target, written] of cases) {
      const path = retargetPath('asciidoc', ref!, target, folder);
      assert.equal(path, written, target);
      const edited = text.slice(0, ref!.pathStart) + path + text.slice(ref!.pathEnd);
      const [after] = readImageReferences(edited, 'asciidoc');
      // Where Asciidoctor looks is where the file is.
      assert.equal(posix.join(folder, after!.path), posix.join(folder, target), edited);
    }
  });
  it('a new AsciiDoc link is written under the imagesdir set above it, so Asciidoctor finds the file', () => {
    const text = ['= Guide', ':imagesdir: img', '', 'Intro.', '', ':imagesdir: ../shared/pics', '', 'Later.', '', ':imagesdir: https://cdn.example.org/i', '', 'End.'].join('\n');
    const cases: [string, string, string][] = [
      ['Intro.', 'assets/a.png', '../assets/a.png'],
      ['Intro.', 'img/sub/a.png', 'sub/a.png'],
      ['Later.', 'assets/a.png', '../../book/assets/a.png'],
      // a URL imagesdir cannot hold a workspace file: written relative to the document
      ['End.', 'assets/a.png', 'assets/a.png'],
    ];
    for (const [after, path, written] of cases) {
      const offset = text.indexOf(after) + after.length;
      const link = imageLink('asciidoc', 'A', path, { text, offset, folder: '/work/book' });
      assert.equal(link, `image::${written}[A]`, after);
      // read back in place, it names the file the writer asked for
      if (after !== 'End.') {
        const edited = `${text.slice(0, offset)}\n\n${link}\n${text.slice(offset)}`;
        const ref = readImageReferences(edited, 'asciidoc').find((r) => r.start === offset + 2);
        assert.equal(posix.join('/work/book', ref?.path ?? ''), posix.join('/work/book', path), link);
      }
    }
    assert.equal(imageLink('asciidoc', 'A', 'assets/a.png'), 'image::assets/a.png[A]');
  });
  it('reads the attributes of the document header, under its title and author lines; a line of text is not a header', () => {
    const header = ['= The Guide', 'Jane Doe <jane@example.org>', 'v1.0, 2026-12-07', ':imagesdir: img', ':animals: beasts', '', 'image::{animals}/wolf.png[A grey wolf]'].join('\n');
    assert.deepEqual(readImageReferences(header, 'asciidoc').map((r) => r.path), ['img/beasts/wolf.png']);
    const prose = ['Some text', ':imagesdir: img', '', 'image::wolf.png[A]'].join('\n');
    assert.deepEqual(readImageReferences(prose, 'asciidoc').map((r) => r.path), ['wolf.png']);
  });
  it('does not read a source block in an AsciiDoc table cell, nor a literal cell', () => {
    const text = ['|===', 'a|', '[source,asciidoc]', 'image::in-source.png[]', '', 'a|[source]', '----', 'image::in-listing.png[]', '----', 'l|image:literal.png[]', '| image:cell.png[]', '|===', 'image::out.png[]'].join('\n');
    assert.deepEqual(readImageReferences(text, 'asciidoc').map((r) => r.path), ['cell.png', 'out.png']);
  });
});

describe('LaTeX image references', () => {
  it('reads includegraphics with options, alt from the figure caption or the alt key', () => {
    const text = [
      '\\begin{figure}[ht]',
      '  \\centering',
      '  \\includegraphics[width=0.5\\linewidth, angle=90]{figures/fox one.png}',
      '  \\caption[Short]{A \\emph{red} fox~in {snow} \\label{fig:fox}}',
      '\\end{figure}',
      'Inline \\includegraphics {plain.pdf} and \\includegraphics[alt={Alt, text}]{alt.png}.',
      '\\begin{figure}',
      '  \\begin{subfigure}{.5\\textwidth}\\includegraphics{sub.png}\\caption{Sub}\\end{subfigure}',
      '  \\includegraphics{outer.png}',
      '  \\caption{Outer 100\\% 猫}',
      '\\end{figure}',
    ].join('\n');
    assert.deepEqual(both(text, 'latex'), [
      { whole: '\\includegraphics[width=0.5\\linewidth, angle=90]{figures/fox one.png}', written: 'figures/fox one.png', path: 'figures/fox one.png', alt: 'A red fox in snow', kind: 'includegraphics' },
      { whole: '\\includegraphics {plain.pdf}', written: 'plain.pdf', path: 'plain.pdf', alt: '', kind: 'includegraphics' },
      { whole: '\\includegraphics[alt={Alt, text}]{alt.png}', written: 'alt.png', path: 'alt.png', alt: 'Alt, text', kind: 'includegraphics' },
      { whole: '\\includegraphics{sub.png}', written: 'sub.png', path: 'sub.png', alt: 'Sub', kind: 'includegraphics' },
      { whole: '\\includegraphics{outer.png}', written: 'outer.png', path: 'outer.png', alt: 'Outer 100% 猫', kind: 'includegraphics' },
    ]);
  });
  it('ignores comments and verbatim', () => {
    const text = ['% \\includegraphics{c1.png}', 'text 50\\% \\includegraphics{real.png} % \\includegraphics{c2.png}', '\\begin{verbatim}', '\\includegraphics{v.png}', '\\end{verbatim}', '\\verb|\\includegraphics{verb.png}|', '\\begin{lstlisting}\\includegraphics{l.png}\\end{lstlisting}'].join('\n');
    assert.deepEqual(readImageReferences(text, 'latex').map((r) => r.path), ['real.png']);
  });
  it('refuses paths LaTeX cannot read', () => {
    for (const bad of ['a%b.png', 'a#b.png', 'a{b}.png', 'a~b.png']) {
      assert.throws(() => imageLink('latex', 'x', bad), (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput', bad);
    }
  });
});

describe('links written and read back in every language', () => {
  const cases = [
    ['a red fox', 'assets/a-red-fox.png'],
    ['fox (with) spaces', '../my assets/fox (1).png'],
    ['赤い狐, 雪の中', '画像/赤い 狐.png'],
  ] as const;
  for (const language of ['markdown', 'html', 'restructuredtext', 'asciidoc', 'latex'] as const) {
    it(`${language}: path and alt survive, retargeting too`, () => {
      for (const [alt, path] of cases) {
        const link = imageLink(language, alt, path);
        // LaTeX links carry no alt text: the figure's caption gives it
        const text = language === 'latex' ? `\\begin{figure}\n${link}\n\\caption{${alt}}\n\\end{figure}\n` : `Intro\n\n${link}\n\nAfter\n`;
        const [ref, ...rest] = readImageReferences(text, language);
        assert.equal(rest.length, 0, link);
        assert.equal(ref!.path, path, link);
        assert.equal(ref!.alt, alt, link);
        assert.ok(text.slice(ref!.start, ref!.end).startsWith(link.split('\n')[0]!), link);
        const target = 'new folder/新しい (2).png';
        const edited = text.slice(0, ref!.pathStart) + retargetPath(language, ref!, target, '/docs') + text.slice(ref!.pathEnd);
        const [after] = readImageReferences(edited, language);
        assert.equal(after!.path, target, edited);
        assert.equal(after!.alt, alt, edited);
      }
    });
  }
  it('writes the contract forms', () => {
    assert.equal(imageLink('markdown', 'a fox', 'assets/a.png'), '![a fox](assets/a.png)');
    assert.equal(imageLink('html', 'a fox', 'assets/a.png'), '<img src="assets/a.png" alt="a fox">');
    assert.equal(imageLink('restructuredtext', 'a\nfox', 'assets/a b.png'), '.. image:: assets/a\\ b.png\n   :alt: a fox');
    assert.equal(imageLink('asciidoc', 'a fox', 'assets/a.png'), 'image::assets/a.png[a fox]');
    assert.equal(imageLink('asciidoc', 'a, "fox"', 'assets/a.png'), 'image::assets/a.png["a, \\"fox\\""]');
    assert.equal(imageLink('latex', 'a fox', 'assets/a.png'), '\\includegraphics[width=\\linewidth]{assets/a.png}');
  });
});
