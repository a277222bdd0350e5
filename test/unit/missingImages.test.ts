import * as assert from 'node:assert/strict';
import { readImageReferences } from '../../src/core/documents';
import type { DocumentLanguage } from '../../src/core/documents';
import { DOCUMENT_GLOB, findMissingImages, foldersBetween, languageOfPath, LATEX_IMPLICIT_EXTENSIONS, placeInside, planReference, resolveRelative } from '../../src/core/missingImages';

function plans(text: string, language: DocumentLanguage) {
  return readImageReferences(text, language).map((ref) => {
    const plan = planReference(ref, language);
    return plan.kind === 'skip' ? { path: ref.path, skip: plan.reason } : { path: ref.path, write: plan.writePath, prompt: plan.prompt, ...(plan.retargetTo ? { retargetTo: plan.retargetTo } : {}) };
  });
}

describe('missing images: what each reference becomes', () => {
  it('writes relative PNG paths as they are, with the alt text as the prompt', () => {
    assert.deepEqual(plans('![A fox](img/fox.png) ![](img/empty.png) ![Bay](<my images/bay (1).png>)', 'markdown'), [
      { path: 'img/fox.png', write: 'img/fox.png', prompt: 'A fox' },
      { path: 'img/empty.png', write: 'img/empty.png', prompt: '' },
      { path: 'my images/bay (1).png', write: 'my images/bay (1).png', prompt: 'Bay' },
    ]);
  });

  it('skips URLs, absolute paths and names that are not PNG, JPEG or WebP', () => {
    const text = [
      '![a](https://example.com/a.png)',
      '![b](//cdn.example.com/b.png)',
      '![c](data:image/png;base64,AAAA)',
      '![d](/site/root.png)',
      '![e](C:/Users/x/e.png)',
      '![f](~/f.png)',
      '![g](diagram.svg)',
      '![h](anim.gif)',
      '![i](noextension)',
    ].join('\n\n');
    assert.deepEqual(
      plans(text, 'markdown').map((p) => p.skip),
      ['url', 'url', 'url', 'absolute', 'absolute', 'absolute', 'notImage', 'notImage', 'notImage'],
    );
  });

  it('writes .jpg, .jpeg and .webp references as .png and retargets them, any letter case', () => {
    assert.deepEqual(plans('![a](x/a.jpg) ![b](./b.JPEG) ![c](../c.webp)', 'markdown'), [
      { path: 'x/a.jpg', write: 'x/a.png', prompt: 'a', retargetTo: 'x/a.png' },
      { path: './b.JPEG', write: './b.png', prompt: 'b', retargetTo: './b.png' },
      { path: '../c.webp', write: '../c.png', prompt: 'c', retargetTo: '../c.png' },
    ]);
  });

  it('writes fig.png for LaTeX\'s \\includegraphics{fig}, which graphicx finds; any existing figure file counts', () => {
    const text = '\\begin{figure}\\includegraphics{figs/fig}\\caption{A harbour at dawn}\\end{figure}';
    const [ref] = readImageReferences(text, 'latex');
    const plan = planReference(ref!, 'latex');
    assert.equal(plan.kind, 'candidate');
    assert.ok(plan.kind === 'candidate');
    assert.equal(plan.writePath, 'figs/fig.png');
    assert.equal(plan.prompt, 'A harbour at dawn');
    assert.equal(plan.retargetTo, undefined, 'the reference stays as written');
    for (const e of ['figs/fig', 'figs/fig.pdf', 'figs/fig.png', 'figs/fig.PNG', 'figs/fig.jpg', 'figs/fig.eps']) assert.ok(plan.existing.includes(e), e);
    assert.ok(LATEX_IMPLICIT_EXTENSIONS.includes('.pdf'));
    // Markdown has no such rule: a name without extension is not an image to make.
    assert.deepEqual(plans('![x](figs/fig)', 'markdown')[0]?.skip, 'notImage');
  });

  it('reads the other languages\' references the same way', () => {
    assert.deepEqual(plans('<img src="a/b.png" alt="Gull"> <img src="https://x/y.png" alt="z">', 'html'), [
      { path: 'a/b.png', write: 'a/b.png', prompt: 'Gull' },
      { path: 'https://x/y.png', skip: 'url' },
    ]);
    assert.deepEqual(plans('.. image:: pics/sea.jpg\n   :alt: The sea\n', 'restructuredtext'), [{ path: 'pics/sea.jpg', write: 'pics/sea.png', prompt: 'The sea', retargetTo: 'pics/sea.png' }]);
    assert.deepEqual(plans('image::pics/sky.png[The sky]\n', 'asciidoc'), [{ path: 'pics/sky.png', write: 'pics/sky.png', prompt: 'The sky' }]);
  });
});

describe('missing images: staying inside the workspace', () => {
  it('resolves . and .. against the document\'s folder without decoding again', () => {
    assert.equal(resolveRelative('/ws/docs', 'img/a.png'), '/ws/docs/img/a.png');
    assert.equal(resolveRelative('/ws/docs', './img/../a.png'), '/ws/docs/a.png');
    assert.equal(resolveRelative('/ws/docs', '../../a.png'), '/a.png');
    assert.equal(resolveRelative('/ws/docs', 'a%2e%2e.png'), '/ws/docs/a%2e%2e.png');
    assert.equal(resolveRelative('/ws', '../../../a.png'), undefined);
    assert.equal(resolveRelative('/ws', 'a\\..\\b.png'), undefined);
    assert.equal(resolveRelative('/ws', 'a\0.png'), undefined);
    assert.equal(resolveRelative('/ws', '.. /a.png'), undefined);
    assert.equal(resolveRelative('/ws', 'img/'), undefined);
  });

  it('places a path inside a workspace folder, judged under every reading of its escapes', () => {
    const folders = ['/ws', '/other'];
    assert.deepEqual(placeInside('/ws/docs', 'img/a.png', folders), { path: '/ws/docs/img/a.png', folder: '/ws' });
    assert.deepEqual(placeInside('/ws/docs', '../../other/a.png', folders), { path: '/other/a.png', folder: '/other' });
    assert.equal(placeInside('/ws/docs', '../../outside/a.png', folders), undefined);
    assert.equal(placeInside('/ws/docs', '../../ws2/a.png', folders), undefined, '/ws2 is not inside /ws');
    // a literal "%2e%2e" in a name would read as ".." to whoever decodes it once more
    assert.equal(placeInside('/ws', '%2e%2e/%2e%2e/etc/a.png', folders), undefined);
    assert.equal(placeInside('/ws/docs', '..', folders), undefined);
  });

  it('names the folders between the workspace folder and the file, to check for links', () => {
    assert.deepEqual(foldersBetween('/ws', '/ws/docs/img/a.png'), ['docs', 'img']);
    assert.deepEqual(foldersBetween('/ws', '/ws/a.png'), []);
    assert.deepEqual(foldersBetween('/', '/a/b.png'), ['a']);
  });
});

describe('missing images: documents by file name', () => {
  it('knows each language\'s extensions', () => {
    assert.equal(languageOfPath('/ws/a.md'), 'markdown');
    assert.equal(languageOfPath('/ws/a.Rmd'), 'markdown');
    assert.equal(languageOfPath('/ws/a.qmd'), 'markdown');
    assert.equal(languageOfPath('/ws/a.mdx'), 'markdown');
    assert.equal(languageOfPath('/ws/a.htm'), 'html');
    assert.equal(languageOfPath('/ws/a.rst'), 'restructuredtext');
    assert.equal(languageOfPath('/ws/a.adoc'), 'asciidoc');
    assert.equal(languageOfPath('/ws/a.tex'), 'latex');
    assert.equal(languageOfPath('/ws/a.txt'), undefined);
    assert.equal(languageOfPath('/ws/.md'), undefined);
    assert.equal(languageOfPath('/ws/md'), undefined);
  });

  it('finds them all with one glob', () => {
    for (const ext of ['md', 'markdown', 'mdx', 'qmd', 'Rmd', 'rmd', 'html', 'htm', 'rst', 'adoc', 'asciidoc', 'tex']) assert.ok(DOCUMENT_GLOB.includes(`,${ext},`) || DOCUMENT_GLOB.includes(`{${ext},`) || DOCUMENT_GLOB.includes(`,${ext}}`), ext);
    assert.match(DOCUMENT_GLOB, /^\*\*\/\*\.\{[a-zA-Z,]+\}$/);
  });
});

describe('missing images: one scan for the extension and flux-docs', () => {
  // An in-memory tree: /ws/docs holds the document; /ws/docs/shots exists; /ws/docs/linked is a symbolic link.
  const tree: Record<string, string[]> = { '/ws/docs': ['guide.md', 'shots', 'linked', 'there.jpg'], '/ws/docs/shots': [], '/ws/docs/linked': [] };
  const listed: string[] = [];
  const files = {
    listNames: async (folder: string) => {
      listed.push(folder);
      return tree[folder] ? new Set(tree[folder]) : undefined;
    },
    isSymbolicLink: (folder: string) => (folder === '/ws/docs/linked' ? true : tree[folder] ? false : undefined),
  };
  it('makes a file named twice once, takes the first alt text there is, changes every .jpg with it, and reports links and what is outside', async () => {
    const text = ['![](shots/a.jpg)', '![A fox](shots/a.jpg)', '![A fox again](shots/a.png)', '![There](there.jpg)', '![Out](../../x.png)', '![Linked](linked/b.png)', '![Web](https://x.org/c.png)'].join('\n\n');
    const refs = readImageReferences(text, 'markdown');
    listed.length = 0;
    const { missing, skipped } = await findMissingImages(text, refs, 'markdown', '/ws/docs', ['/ws'], files);
    assert.deepEqual(
      missing.map((m) => [m.path, m.prompt, m.retargetTo, m.also.map((a) => a.written), m.throughLink]),
      [
        ['/ws/docs/shots/a.png', 'A fox', 'shots/a.png', ['shots/a.jpg'], false],
        ['/ws/docs/linked/b.png', 'Linked', undefined, [], true],
      ],
    );
    assert.deepEqual(skipped.map((s) => [s.ref.path, s.reason]), [['../../x.png', 'outside'], ['https://x.org/c.png', 'url']]);
    // one listing per folder, however many references
    assert.deepEqual([...new Set(listed)].sort(), listed.slice().sort());
  });
});
