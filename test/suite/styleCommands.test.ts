// The house styles' commands as a writer uses them: Add Image to Style… writes the styles file
// (made when missing, comments kept when not), Choose Style for Document writes the document's
// declaration in one undoable edit, and the status bar names the style.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { makePng } from '../fake/png';
import { closeAllEditors, expectMessage, exists, openMarkdown, removeFolder, shownMessages, testingApi, waitFor, workspaceRoot } from './helpers';

const STYLES = ['.vscode', 'flux-styles.json'] as const;

function stylesFile(): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...STYLES);
}

async function readStyles(): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(stylesFile()));
}

async function writeStyles(text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(stylesFile(), new TextEncoder().encode(text));
}

async function image(relative: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relative);
  await vscode.workspace.fs.writeFile(uri, makePng(32, 24));
  return uri;
}

async function removeStyles(): Promise<void> {
  if (await exists(stylesFile())) await vscode.workspace.fs.delete(stylesFile(), { useTrash: false });
}

describe('House styles: Add Image to Style', () => {
  beforeEach(async () => {
    (await testingApi()).messages.clear();
    await removeStyles();
  });
  after(async () => {
    await closeAllEditors();
    await removeStyles();
    await removeFolder('style-art');
  });

  it('Add Image to Style creates the styles file with a new style holding the image', async () => {
    const png = await image('style-art/ink-1.png');
    const result = await vscode.commands.executeCommand<{ style: string; reference: string } | undefined>('flux.addToStyle', { uri: png, style: 'ink', prompt: '{prompt}. Loose ink sketch' });
    assert.deepEqual(result, { style: 'ink', reference: 'style-art/ink-1.png' }, JSON.stringify(await shownMessages()));
    const styles = JSON.parse(await readStyles()) as { styles: Record<string, { prompt: string; references: string[]; model?: string }> };
    assert.deepEqual(styles.styles.ink?.references, ['style-art/ink-1.png']);
    assert.equal(styles.styles.ink?.prompt, '{prompt}. Loose ink sketch');
    // The folder's model (Kontext through DMXAPI) takes no references: the new style gets a FLUX.2 model.
    assert.equal(styles.styles.ink?.model, 'flux-2-pro');
    await expectMessage('info', /Added style-art\/ink-1\.png to style "ink" \(references: 1\)/);
  });

  it('Add Image to Style makes a style named like an object method ("toString") as any other', async () => {
    const png = await image('style-art/odd.png');
    const result = await vscode.commands.executeCommand('flux.addToStyle', { uri: png, style: 'toString', prompt: '{prompt}, odd' });
    assert.deepEqual(result, { style: 'toString', reference: 'style-art/odd.png' }, JSON.stringify(await shownMessages()));
    const styles = JSON.parse(await readStyles()) as { styles: Record<string, { references: string[] }> };
    assert.deepEqual(styles.styles['toString' as string]?.references, ['style-art/odd.png']);
  });

  it('Add Image to Style keeps the comments and the layout of an existing styles file', async () => {
    const before = ['{', '\t// The guide\'s look: keep it calm.', '\t"default": "ink",', '\t"styles": {', '\t\t"ink": {', '\t\t\t"prompt": "{prompt}. Ink", // the words go first', '\t\t\t"model": "flux-2-pro",', '\t\t\t"references": ["style-art/ink-1.png"]', '\t\t}', '\t}', '}', ''].join('\n');
    await writeStyles(before);
    await image('style-art/ink-1.png');
    const png = await image('style-art/ink-2.png');
    await vscode.commands.executeCommand('flux.addToStyle', { uri: png, style: 'ink' });
    const after = await readStyles();
    assert.ok(after.includes('\t// The guide\'s look: keep it calm.\n\t"default": "ink",\n'), after);
    assert.ok(after.includes('"prompt": "{prompt}. Ink", // the words go first'), after);
    assert.match(after, /"references": \[\s*"style-art\/ink-1\.png",\s*"style-art\/ink-2\.png"\s*\]/);
    // Nothing else moved: the text before the references is as it was.
    assert.equal(after.slice(0, after.indexOf('"references"')), before.slice(0, before.indexOf('"references"')));
  });

  it('Add Image to Style refuses more references than the style\'s model takes, and leaves the file alone', async () => {
    const refs = [1, 2, 3, 4].map((i) => `"style-art/k-${i}.png"`).join(', ');
    const before = `{ "styles": { "small": { "prompt": "{prompt}", "model": "flux-2-klein-4b", "references": [${refs}] } } }\n`;
    await writeStyles(before);
    const png = await image('style-art/k-5.png');
    const result = await vscode.commands.executeCommand('flux.addToStyle', { uri: png, style: 'small' });
    assert.equal(result, undefined);
    await expectMessage('warning', /Style "small" already has 4 references, as many as flux-2-klein-4b takes/);
    assert.equal(await readStyles(), before);
  });
});

describe('House styles: Choose Style for Document', () => {
  const STYLES_TEXT = '{ "styles": { "ink": { "description": "Ink sketches", "prompt": "{prompt}. Ink" }, "clay": { "prompt": "{prompt}, in clay" } } }\n';
  beforeEach(async () => {
    (await testingApi()).messages.clear();
    await writeStyles(STYLES_TEXT);
  });
  after(async () => {
    await closeAllEditors();
    await removeStyles();
  });

  async function styleStatus(expected: string | undefined): Promise<void> {
    const api = await testingApi();
    await waitFor(`the status bar to show ${String(expected)} (it shows ${String(api.styleStatus())})`, () => api.styleStatus() === expected);
  }

  it('Choose Style writes the front matter of a Markdown document, changes it, and one Undo takes it back', async () => {
    const original = '# Chapter\n\nA lighthouse.\n';
    const editor = await openMarkdown('notes/style-chapter.md', original);
    await styleStatus(undefined);
    assert.equal(await vscode.commands.executeCommand('flux.chooseStyle', { style: 'ink' }), 'ink');
    assert.equal(editor.document.getText(), `---\nflux-style: ink\n---\n\n${original}`);
    await styleStatus('$(paintcan) ink');
    await vscode.commands.executeCommand('flux.chooseStyle', { style: 'clay' });
    assert.equal(editor.document.getText(), `---\nflux-style: clay\n---\n\n${original}`);
    await styleStatus('$(paintcan) clay');
    // One Undo: the change of style, as one edit.
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), `---\nflux-style: ink\n---\n\n${original}`);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
    await styleStatus(undefined);
  });

  it('Choose Style writes a comment line in LaTeX, and No style takes it out again', async () => {
    const original = '\\section{Intro}\nA lighthouse.\n';
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'notes', 'style-paper.tex');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(original));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('flux.chooseStyle', { style: 'ink' });
    assert.equal(editor.document.getText(), `% flux-style: ink\n${original}`);
    await styleStatus('$(paintcan) ink');
    assert.equal(await vscode.commands.executeCommand('flux.chooseStyle', { style: null }), null);
    assert.equal(editor.document.getText(), original);
    await styleStatus(undefined);
  });

  it('Choose Style: No style says none when the folder gives a default, and the status bar follows the styles file', async () => {
    const original = '# Guide\n';
    const editor = await openMarkdown('notes/style-default.md', original);
    await styleStatus(undefined);
    await writeStyles(STYLES_TEXT.replace('{ "styles"', '{ "default": "clay", "styles"'));
    await styleStatus('$(paintcan) clay');
    await vscode.commands.executeCommand('flux.chooseStyle', { style: null });
    assert.equal(editor.document.getText(), `---\nflux-style: none\n---\n\n${original}`);
    await styleStatus(undefined);
  });

  it('Choose Style refuses a style the file does not have, and leaves the document alone', async () => {
    const editor = await openMarkdown('notes/style-unknown.md', '# Guide\n');
    assert.equal(await vscode.commands.executeCommand('flux.chooseStyle', { style: 'watercolour' }), undefined);
    await expectMessage('warning', /has no style "watercolour"/);
    assert.equal(editor.document.getText(), '# Guide\n');
  });
});
