import * as assert from 'node:assert/strict';
import { type DocumentLanguage, imageLink, readImageReferences } from '../../src/core/documents';
import type { PlacementMode } from '../../src/core/placement';
import { placeLink } from '../../src/core/placement';
import { judge } from './structureJudges';

const ANCHOR = '‸';

/** Places the language's own link for `probe.png` at the ‸ of `marked`; returns the whole document. */
function place(language: DocumentLanguage, marked: string, mode: PlacementMode = 'afterBlock'): string {
  const at = marked.indexOf(ANCHOR);
  const doc = marked.slice(0, at) + marked.slice(at + 1);
  const insertion = placeLink(doc, at, mode, imageLink(language, 'probe', 'probe.png'), '\n', language);
  return doc.slice(0, insertion.offset) + insertion.text + doc.slice(insertion.offset);
}

describe('link placement in reStructuredText', () => {
  const rst = (marked: string, mode?: PlacementMode) => place('restructuredtext', marked, mode);
  const LINK = '.. image:: probe.png\n   :alt: probe';
  it('never goes between a directive and its body', () => {
    assert.equal(rst('.. note::\n‸\n   Body.\n\nAfter.', 'atCursor'), `.. note::\n\n   Body.\n\n${LINK}\n\nAfter.`);
    assert.equal(rst('.. note::‸\n\n   Body.\n'), `.. note::\n\n   Body.\n\n${LINK}\n`);
  });
  it('goes inside an admonition after the paragraph holding the anchor, at its indentation', () => {
    assert.equal(rst('.. note::\n\n   One‸.\n\n   Two.\n\nAfter.'), '.. note::\n\n   One.\n\n   .. image:: probe.png\n      :alt: probe\n\n   Two.\n\nAfter.');
  });
  it('keeps a literal block with the paragraph that introduces it', () => {
    assert.equal(rst('Example‸::\n\n    code\n\n    more code\n\nAfter.'), `Example::\n\n    code\n\n    more code\n\n${LINK}\n\nAfter.`);
    assert.equal(rst('Example::\n\n    code\n‸\n    more code\n\nAfter.', 'atCursor'), `Example::\n\n    code\n\n    more code\n\n${LINK}\n\nAfter.`);
  });
  it('never goes inside a code directive or a comment', () => {
    assert.equal(rst('.. code-block:: python\n\n   x = 1\n‸\n   y = 2\n', 'atCursor'), `.. code-block:: python\n\n   x = 1\n\n   y = 2\n\n${LINK}\n`);
    assert.equal(rst('..\n   a comment‸\n\n   still it\n\nText.'), `..\n   a comment\n\n   still it\n\n${LINK}\n\nText.`);
  });
  it('joins the list item, indented as its content, so the list goes on', () => {
    assert.equal(rst('- one‸\n\n- two\n'), '- one\n\n  .. image:: probe.png\n     :alt: probe\n\n- two\n');
    assert.equal(rst('1. one\n‸\n2. two\n', 'atCursor'), '1. one\n\n   .. image:: probe.png\n      :alt: probe\n\n2. two\n');
    assert.equal(rst('term‸\n   definition\n\nnext\n   more\n'), 'term\n   definition\n\n   .. image:: probe.png\n      :alt: probe\n\nnext\n   more\n');
  });
  it('keeps tables and field lists whole', () => {
    assert.equal(rst('=====  =====\na      b\n‸\nc      d\n=====  =====\n\nText.', 'atCursor'), `=====  =====\na      b\n\nc      d\n=====  =====\n\n${LINK}\n\nText.`);
    assert.equal(rst(':author: me‸\n\n:date: today\n\nText.'), `:author: me\n\n:date: today\n\n${LINK}\n\nText.`);
  });
});

describe('link placement in AsciiDoc', () => {
  const adoc = (marked: string, mode?: PlacementMode) => place('asciidoc', marked, mode);
  it('never goes inside listing, literal, comment blocks or tables', () => {
    assert.equal(adoc('[source,js]\n----\nx‸\n\ny\n----\n\nText.'), '[source,js]\n----\nx\n\ny\n----\n\nimage::probe.png[probe]\n\nText.');
    assert.equal(adoc('....\nlit\n‸\n....\n', 'atCursor'), '....\nlit\n\n....\n\nimage::probe.png[probe]\n');
    assert.equal(adoc('////\nnote‸\n\n////\nText.'), '////\nnote\n\n////\n\nimage::probe.png[probe]\n\nText.');
    assert.equal(adoc('|===\n| a | b\n‸\n| c | d\n|===\n', 'atCursor'), '|===\n| a | b\n\n| c | d\n|===\n\nimage::probe.png[probe]\n');
  });
  it('joins a list item with a continuation, so the list goes on', () => {
    assert.equal(adoc('* one‸\n\n* two\n'), '* one\n+\nimage::probe.png[probe]\n\n* two\n');
    assert.equal(adoc('* one\n‸\n* two\n', 'atCursor'), '* one\n+\nimage::probe.png[probe]\n\n* two\n');
    assert.equal(adoc('. one‸\n. two\n'), '. one\n+\nimage::probe.png[probe]\n\n. two\n');
  });
  it('copies no leading space from the line', () => {
    assert.equal(adoc('  literal‸ text\n\nText.'), '  literal text\n\nimage::probe.png[probe]\n\nText.');
  });
  it('goes inside an example block, and after the header', () => {
    assert.equal(adoc('====\nIn it‸.\n\nMore.\n====\n'), '====\nIn it.\n\nimage::probe.png[probe]\n\nMore.\n====\n');
    assert.equal(adoc('= Title\n:toc:‸\n:imagesdir: img\n\nText.'), '= Title\n:toc:\n:imagesdir: img\n\nimage::probe.png[probe]\n\nText.');
  });
});

describe('link placement in HTML', () => {
  const html = (marked: string, mode?: PlacementMode) => place('html', marked, mode);
  const LINK = '<img src="probe.png" alt="probe">';
  it('never goes inside script, style, pre, a list, a table or the head', () => {
    assert.equal(html('<script>\nvar a;‸\n\nvar b;\n</script>\n'), `<script>\nvar a;\n\nvar b;\n</script>\n\n${LINK}\n`);
    assert.equal(html('<pre>\ncode‸\n\nmore\n</pre>\n'), `<pre>\ncode\n\nmore\n</pre>\n\n${LINK}\n`);
    assert.equal(html('<ul>\n<li>a</li>\n‸\n<li>b</li>\n</ul>\n', 'atCursor'), `<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\n\n${LINK}\n`);
    assert.equal(html('<table>\n<tr><td>a‸</td></tr>\n\n<tr><td>b</td></tr>\n</table>\n'), `<table>\n<tr><td>a</td></tr>\n\n<tr><td>b</td></tr>\n</table>\n\n${LINK}\n`);
    assert.equal(html('<html>\n<head>\n<title>T‸</title>\n\n<style>p{}</style>\n</head>\n<body>\n<p>x</p>\n</body>\n</html>\n'), `<html>\n<head>\n<title>T</title>\n\n<style>p{}</style>\n</head>\n<body>\n\n${LINK}\n\n<p>x</p>\n</body>\n</html>\n`);
  });
  it('goes before </body>, not after it', () => {
    assert.equal(html('<body>\n<p>x</p>\n</body>\n</html>‸\n'), `<body>\n<p>x</p>\n\n${LINK}\n\n</body>\n</html>\n`);
  });
});

describe('link placement in LaTeX', () => {
  const tex = (marked: string, mode?: PlacementMode) => place('latex', marked, mode);
  const LINK = '\\includegraphics[width=\\linewidth]{probe.png}';
  it('goes after \\begin{document} for an anchor in the preamble, and before \\end{document}', () => {
    assert.equal(tex('\\documentclass{article}\n‸\n\\usepackage{x}\n\\begin{document}\nText.\n\\end{document}\n', 'atCursor'), `\\documentclass{article}\n\n\\usepackage{x}\n\\begin{document}\n\n${LINK}\n\nText.\n\\end{document}\n`);
    assert.equal(tex('\\begin{document}\nText.\n\\end{document}\n‸', 'atCursor'), `\\begin{document}\nText.\n\n${LINK}\n\n\\end{document}\n`);
  });
  it('never goes inside verbatim, a custom code environment, tabular or tikzpicture', () => {
    assert.equal(tex('\\begin{verbatim}\na‸\n\nb\n\\end{verbatim}\n'), `\\begin{verbatim}\na\n\nb\n\\end{verbatim}\n\n${LINK}\n`);
    assert.equal(tex('\\lstnewenvironment{code}{}{}\n\n\\begin{code}\na‸\n\nb\n\\end{code}\n'), `\\lstnewenvironment{code}{}{}\n\n\\begin{code}\na\n\nb\n\\end{code}\n\n${LINK}\n`);
    assert.equal(tex('\\begin{tabular}{ll}\na & b‸ \\\\\n\nc & d\n\\end{tabular}\n'), `\\begin{tabular}{ll}\na & b \\\\\n\nc & d\n\\end{tabular}\n\n${LINK}\n`);
    assert.equal(tex('\\begin{tikzpicture}\n\\draw (0,0);‸\n\n\\end{tikzpicture}\nText.'), `\\begin{tikzpicture}\n\\draw (0,0);\n\n\\end{tikzpicture}\nText.\n\n${LINK}`);
  });
  it('in a list, joins an item, never before the first \\item', () => {
    assert.equal(tex('\\begin{itemize}‸\n\n\\item a\n\n\\item b\n\\end{itemize}\n'), `\\begin{itemize}\n\n\\item a\n\n${LINK}\n\n\\item b\n\\end{itemize}\n`);
  });
});

describe('reduced cases from the corpus check', () => {
  it('reStructuredText: an admonition whose body starts right under it keeps its literal block whole', () => {
    assert.equal(
      place('restructuredtext', '.. note::\n    Body, for example::\n\n        <div>\n          x‸\n        </div>\n\nAfter.'),
      '.. note::\n    Body, for example::\n\n        <div>\n          x\n        </div>\n\n    .. image:: probe.png\n       :alt: probe\n\nAfter.',
    );
  });
  it('reStructuredText: an image after a list item’s literal block is read', () => {
    assert.deepEqual(readImageReferences('1. Run::\n\n      $ make\n\n   .. image:: shot.png\n', 'restructuredtext').map((r) => r.path), ['shot.png']);
  });
  it('AsciiDoc: indented list items are items, not a literal paragraph', () => {
    assert.deepEqual(readImageReferences('Fixes::\n\n  * one\n+\nimage::shot.png[]\n', 'asciidoc').map((r) => r.path), ['shot.png']);
  });
  it('AsciiDoc: a block’s attribute line after a comment line stays with the block', () => {
    assert.equal(place('asciidoc', '// a comment‸\n[stem]\n++++\nx\n++++\n'), '// a comment\n\nimage::probe.png[probe]\n\n[stem]\n++++\nx\n++++\n');
  });
  it('HTML: a list that closes on the line of </body> is not entered', () => {
    assert.equal(
      place('html', '<body>\n<p>a</p>\n<ul>\n<li>x</li>‸\n</ul></section></body></html>\n'),
      '<body>\n<p>a</p>\n\n<img src="probe.png" alt="probe">\n\n<ul>\n<li>x</li>\n</ul></section></body></html>\n',
    );
  });
  it('HTML and LaTeX: a blank line above the head or the preamble belongs to it', () => {
    assert.equal(place('html', '‸\n<html><head>\n</head>\n<body>\n<p>a</p>\n</body>\n', 'atCursor'), '\n<html><head>\n</head>\n<body>\n\n<img src="probe.png" alt="probe">\n\n<p>a</p>\n</body>\n');
    assert.equal(place('latex', '‸\n\\documentclass{book}\n\\begin{document}\nA.\n\\end{document}\n', 'atCursor'), '\n\\documentclass{book}\n\\begin{document}\n\n\\includegraphics[width=\\linewidth]{probe.png}\n\nA.\n\\end{document}\n');
  });
});

describe('link placement in Markdown loose lists', () => {
  it('on the blank line between two items, joins the item above', () => {
    assert.equal(place('markdown', '- one\n‸\n- two\n', 'atCursor'), '- one\n\n  ![probe](probe.png)\n\n- two\n');
  });
});

describe('link placement, every anchor of a set of documents, judged by each language’s rules', () => {
  const documents: Record<Exclude<DocumentLanguage, 'markdown'>, string[]> = {
    restructuredtext: [
      'Title\n=====\n\nPara one\nwrapped.\n\n.. note::\n\n   Body one.\n\n   Body two.\n\n.. code-block:: python\n\n   x = 1\n\n   y = 2\n\nExample::\n\n    literal\n\n    more\n\nAfter.\n',
      '- a\n\n  more a\n\n- b\n\n  - nested\n  - nested 2\n\n- c\n\n1. one\n2. two\n\nterm\n   def\n\n   more def\nterm 2\n   def 2\n\n:field: value\n:other: value\n\n=====  =====\na      b\n\nc      d\n=====  =====\n\n+---+---+\n| a | b |\n+---+---+\n\n.. image:: x.png\n   :alt: x\n\n..\n   comment\n\n   still\n\n.. _target:\n\nPara.\n\n   Quoted\n\n   quote 2\n\nEnd.',
      '.. toctree::\n   :maxdepth: 2\n\n   intro\n   usage\n\n.. |sub| image:: s.png\n\n.. warning:: Inline body\n   continues.\n\n   Second.\n\n.. figure:: f.png\n\n   Caption.\n\n   Legend.\n\n>>> 1 + 1\n2\n',
    ],
    asciidoc: [
      '= Title\nAuthor\n:imagesdir: img\n\n== Section\n\nPara\nwrapped.\n\n[source,js]\n----\nx\n\ny\n----\n\n....\nlit\n\nlit\n....\n\n////\nc\n\nc\n////\n\n// line comment\n\n|===\n| a | b\n\n| c | d\n|===\n\n====\nex\n\nex\n====\n\n  literal\n\nimage::x.png[x]\n',
      '* a\n* b\n\n* c\nmore c\n+\n----\ncode\n----\n\n. one\n. two\n\nterm:: def\nterm2::\ndef2\n\n[NOTE]\n====\nnote\n\nnote\n====\n\n.Title\n[source]\n----\nx\n----\n\n```\nfenced\n\nfenced\n```\n\nEnd.',
    ],
    html: [
      '<!DOCTYPE html>\n<html>\n<head>\n<title>T</title>\n\n<style>\np {}\n\ndiv {}\n</style>\n</head>\n<body>\n<h1>T</h1>\n\n<p>Para\nwrapped.</p>\n\n<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\n\n<pre>\ncode\n\ncode\n</pre>\n\n<script>\nvar a;\n\nvar b;\n</script>\n\n<!-- c\n\nc -->\n\n<table>\n<tr><td>a</td></tr>\n\n<tr><td>b</td></tr>\n</table>\n\n<div>\n<p>in div</p>\n\n<p>in div 2</p>\n</div>\n</body>\n</html>\n',
      '<p>fragment</p>\n\n<ol>\n  <li>one</li>\n\n  <li>two</li>\n</ol>\n\n<img src="x.png" alt="x">\n',
    ],
    latex: [
      '\\documentclass{article}\n\\usepackage{graphicx}\n\n\\lstnewenvironment{code}{}{}\n\\newtheorem{lemma}{Lemma}\n\n\\begin{document}\n\n\\section{A}\nText\nwrapped.\n\n\\begin{verbatim}\nv\n\nv\n\\end{verbatim}\n\n\\begin{code}\nc\n\nc\n\\end{code}\n\n\\begin{itemize}\n\n\\item a\n\n\\item b\n\\end{itemize}\n\n\\begin{tabular}{l}\na \\\\\n\nb\n\\end{tabular}\n\n\\begin{tikzpicture}\n\\draw (0,0);\n\n\\end{tikzpicture}\n\n\\begin{figure}\n\\includegraphics{f.png}\n\n\\caption{F}\n\\end{figure}\n\n\\begin{lemma}\nL.\n\nL2.\n\\end{lemma}\n\n\\[\nx\n\n\\]\n\n\\footnote{a\n\nb}\n\n% comment\n\n\\end{document}\n\nafter\n',
      '\\chapter{Included}\n\nText.\n\n\\begin{enumerate}\n\\item one\n\n\\item two\n\\end{enumerate}\n\n\\begin{center}\nc\n\nc\n\\end{center}\n',
    ],
  };

  for (const [language, docs] of Object.entries(documents) as [Exclude<DocumentLanguage, 'markdown'>, string[]][]) {
    it(`${language}: no link inside an atomic block, splitting a list or cutting a directive from its body`, () => {
      const link = imageLink(language, 'probe', 'probe.png');
      const failures: string[] = [];
      for (const doc of docs) {
        for (let anchor = 0; anchor <= doc.length; anchor++) {
          for (const mode of ['afterBlock', 'atCursor'] as const) {
            const insertion = placeLink(doc, anchor, mode, link, '\n', language);
            const result = doc.slice(0, insertion.offset) + insertion.text + doc.slice(insertion.offset);
            const verdict = judge(language, doc, result, insertion.offset + insertion.linkStart, insertion.offset + insertion.linkEnd, 'probe.png');
            if (verdict.damage.length) failures.push(`${JSON.stringify(doc.slice(Math.max(0, anchor - 20), anchor))}‸ (${mode}): ${verdict.note}\n${result}`);
          }
        }
      }
      assert.equal(failures.length, 0, failures.slice(0, 3).join('\n----\n'));
    });
  }
});
