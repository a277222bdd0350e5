import * as assert from 'node:assert/strict';
import { type DocumentLanguage, readImageReferences } from '../../src/core/documents';
import { altFromPrompt, isPlaceholderAlt, setAltText } from '../../src/core/documents/altText';

/** The document with the first reference's alt set to `words`, and that reference read back. */
function apply(language: DocumentLanguage, text: string, words: string): { text: string; alt: string; path: string } {
  const [ref] = readImageReferences(text, language);
  assert.ok(ref, `a reference in ${JSON.stringify(text)}`);
  const edit = setAltText(language, text, ref, words);
  assert.ok(edit, `an edit for ${JSON.stringify(text)}`);
  const out = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  const refs = readImageReferences(out, language);
  assert.equal(refs.length, 1, out);
  return { text: out, alt: refs[0]!.alt, path: refs[0]!.path };
}

const HOSTILE = 'A fox *in* [snow](command:x) <b>bold</b> & "quotes", 50% #1 {a} _u_ \\ `code`';

const CASES: readonly [DocumentLanguage, string, string][] = [
  ['markdown', 'Intro.\n\n![](img/fox.png)\n', 'img/fox.png'],
  ['markdown', '![fox.png](img/fox.png "A title")\n', 'img/fox.png'],
  ['markdown', 'Text <img src="img/fox.png" alt="" width="20"> more\n', 'img/fox.png'],
  ['html', '<p><img src="img/fox.png"></p>\n', 'img/fox.png'],
  ['html', "<img alt='x' src='img/fox.png'>\n", 'img/fox.png'],
  ['html', '<img alt=fox src="img/fox.png">\n', 'img/fox.png'],
  ['html', '<img src="img/fox.png" alt>\n', 'img/fox.png'],
  ['restructuredtext', 'Title\n=====\n\n.. image:: img/fox.png\n   :width: 200\n\nNext.\n', 'img/fox.png'],
  ['restructuredtext', '.. figure:: img/fox.png\n   :alt: fox\n   :width: 200\n\n   Caption.\n', 'img/fox.png'],
  ['asciidoc', 'image::img/fox.png[]\n', 'img/fox.png'],
  ['asciidoc', 'image::img/fox.png[fox,200,100]\n', 'img/fox.png'],
  ['asciidoc', 'image::img/fox.png[width=200]\n', 'img/fox.png'],
  ['asciidoc', 'Inline image:img/fox.png[alt=fox, role=left] here.\n', 'img/fox.png'],
  ['latex', '\\begin{document}\n\\includegraphics{img/fox.png}\n\\end{document}\n', 'img/fox.png'],
  ['latex', '\\includegraphics[width=\\linewidth]{img/fox.png}\n', 'img/fox.png'],
  ['latex', '\\includegraphics[alt={old}, width=3cm]{img/fox.png}\n', 'img/fox.png'],
];

describe('alt text from a recipe', () => {
  for (const [language, text, path] of CASES) {
    it(`${language}: ${JSON.stringify(text).slice(0, 60)} takes plain words and keeps its path`, () => {
      const plain = apply(language, text, 'A red fox in fresh snow, morning light.');
      assert.equal(plain.alt, 'A red fox in fresh snow, morning light.', plain.text);
      assert.equal(plain.path, path);
    });
  }

  for (const [language, text] of CASES.filter(([l]) => l !== 'latex')) {
    it(`${language}: ${JSON.stringify(text).slice(0, 60)} writes markup-like words as text`, () => {
      const hostile = apply(language, text, HOSTILE);
      assert.equal(hostile.alt, HOSTILE, hostile.text);
    });
  }

  it('latex: special characters are escaped, never commands', () => {
    const out = apply('latex', '\\includegraphics{img/fox.png}\n', 'A fox 50% #1 & {a} $x$ _u_');
    assert.equal(out.text, '\\includegraphics[alt={A fox 50\\% \\#1 \\& \\{a\\} \\$x\\$ \\_u\\_}]{img/fox.png}\n');
    assert.equal(out.alt, 'A fox 50% #1 & {a} $x$ _u_');
  });

  it('markdown: keeps the title and the rest of the line', () => {
    assert.equal(apply('markdown', 'See ![](a.png "T") now.\n', 'Fox *here*').text, 'See ![Fox \\*here\\*](a.png "T") now.\n');
  });

  it('html: stays valid in single quotes and without quotes', () => {
    assert.equal(apply('html', "<img alt='' src='a.png'>\n", "It's <here>").text, "<img alt='It&#39;s &lt;here&gt;' src='a.png'>\n");
    assert.equal(apply('html', '<img alt=a.png src=a.png>\n', 'Fox').text, '<img alt="Fox" src=a.png>\n');
  });

  it('restructuredtext: adds the option under the directive, at the options\' indentation', () => {
    assert.equal(apply('restructuredtext', '.. image:: a.png\n    :width: 2\n', 'Fox').text, '.. image:: a.png\n    :alt: Fox\n    :width: 2\n');
    assert.equal(apply('restructuredtext', '.. image:: a.png\r\n\r\nNext.\r\n', 'Fox').text, '.. image:: a.png\r\n   :alt: Fox\r\n\r\nNext.\r\n');
  });

  it('asciidoc: a positional alt is replaced; a named first attribute gets the alt before it', () => {
    assert.equal(apply('asciidoc', 'image::a.png[a,200]\n', 'Fox, at dawn').text, 'image::a.png["Fox, at dawn",200]\n');
    assert.equal(apply('asciidoc', 'image::a.png[width=200]\n', 'Fox').text, 'image::a.png[Fox,width=200]\n');
  });

  it('tells alt text that describes nothing', () => {
    for (const alt of ['', '  ', 'fox.png', 'FOX', 'red-fox_2', 'image1', 'Screenshot', 'IMG_2041.JPG', 'a-red-fox-20240101-120000']) assert.ok(isPlaceholderAlt(alt, 'img/fox.png'), alt);
    for (const alt of ['A fox', 'Vixen', '红狐狸', 'Sunset over the bay']) assert.ok(!isPlaceholderAlt(alt, 'img/fox.png'), alt);
  });

  it('shortens a long prompt at a sentence or a word', () => {
    const long = 'A small cottage in deep snow on a winter night. Smoke rises from the chimney while the windows of the cottage still glowed warmly in the dark.';
    assert.equal(altFromPrompt(long), 'A small cottage in deep snow on a winter night.');
    const words = 'word '.repeat(40);
    assert.match(altFromPrompt(words), /^(word ){10,}word…$/);
  });
});
