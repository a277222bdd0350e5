// The "Describe image from its recipe" Quick Fix in every language of the registry: alt text that
// describes nothing becomes the recipe's prompt, shortened, written as text in the document's syntax.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, fakeServiceForSuite, openMarkdown } from './helpers';

const TITLE = 'Describe image from its recipe';
// Markup in the prompt must arrive as words; the second sentence is cut off.
const PROMPT = 'A red fox *asleep* in [fresh] snow <b>under</b> a pine & 50% cloud. The morning light spreads slowly over the quiet hills behind it, pale gold.';

async function actionsAt(editor: vscode.TextEditor, needle: string): Promise<vscode.CodeAction[]> {
  const at = editor.document.getText().indexOf(needle);
  assert.ok(at >= 0, needle);
  const position = editor.document.positionAt(at + 1);
  for (let attempt = 0; ; attempt++) {
    try {
      return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(position, position))) ?? [];
    } catch (err) {
      // The workbench cancels a request when the editors change under it (a document opening): ask again.
      if (attempt >= 3 || !/Canceled/.test(String(err))) throw err;
    }
  }
}

/** An image made with `prompt` (linked into a scratch document, so nothing opens on its own). */
async function madeImage(prompt: string): Promise<string> {
  await openMarkdown('notes/describe-source.md', '');
  const made = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt });
  assert.ok(made);
  await closeAllEditors();
  return made.path.split('/').pop()!;
}

describe('Describe image from its recipe', function () {
  this.timeout(60_000);
  fakeServiceForSuite();
  afterEach(closeAllEditors);

  it('sets empty or file-name alt text from the recipe in Markdown, HTML, reStructuredText, AsciiDoc and LaTeX', async () => {
    const name = await madeImage(PROMPT);
    const p = `../assets/${name}`;
    const cases: [string, string, string, string][] = [
      ['notes/describe.md', `Intro.\n\n![](${p})\n`, '![', `Intro.\n\n![A red fox \\*asleep\\* in \\[fresh\\] snow \\<b\\>under\\</b\\> a pine \\& 50% cloud.](${p})\n`],
      ['notes/describe.html', `<p><img src="${p}" alt="${name}"></p>\n`, '<img', `<p><img src="${p}" alt="A red fox *asleep* in [fresh] snow &lt;b&gt;under&lt;/b&gt; a pine &amp; 50% cloud."></p>\n`],
      ['notes/describe.rst', `Title\n=====\n\n.. image:: ${p}\n\nNext.\n`, '.. image', `Title\n=====\n\n.. image:: ${p}\n   :alt: A red fox *asleep* in [fresh] snow <b>under</b> a pine & 50% cloud.\n\nNext.\n`],
      ['notes/describe.adoc', `= Title\n\nimage::${p}[]\n`, 'image::', `= Title\n\nimage::${p}["A red fox *asleep* in [fresh] snow <b>under</b> a pine & 50% cloud."]\n`],
      ['notes/describe.tex', `\\section{Fox}\n\n\\includegraphics[width=\\linewidth]{${p}}\n`, '\\includegraphics', `\\section{Fox}\n\n\\includegraphics[width=\\linewidth,alt={A red fox *asleep* in [fresh] snow <b>under</b> a pine \\& 50\\% cloud.}]{${p}}\n`],
    ];
    for (const [file, text, needle, expected] of cases) {
      const editor = await openMarkdown(file, text);
      const action = (await actionsAt(editor, needle)).find((a) => a.title === TITLE);
      assert.ok(action?.edit, `${file}: the Quick Fix is offered`);
      assert.equal(action.kind?.value, 'quickfix.flux');
      assert.ok(await vscode.workspace.applyEdit(action.edit));
      assert.equal(editor.document.getText(), expected, file);
      // Described now: not offered again.
      assert.ok(!(await actionsAt(editor, needle)).some((a) => a.title === TITLE), `${file}: not offered once described`);
      await closeAllEditors();
    }
  });

  it('is not offered for alt text a writer wrote, nor for an image without a recipe', async () => {
    const name = await madeImage('A gull at dawn');
    const editor = await openMarkdown('notes/describe-kept.md', `![The gull, my words](../assets/${name})\n\n![](../notes/describe-kept.md.png)\n`);
    assert.ok(!(await actionsAt(editor, '![The')).some((a) => a.title === TITLE));
  });
});
