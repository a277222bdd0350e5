import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { Recipe } from '../../src/core/recipe';
import type { HoverLabels, MarkdownSink } from '../../src/core/recipeHover';
import { commandLink, escapeLabel, HOVER_COMMANDS, imagePreview, writeRecipeHover } from '../../src/core/recipeHover';

const LABELS: HoverLabels = {
  prompt: 'Prompt',
  model: 'Model',
  size: 'Size',
  seed: 'Seed',
  regenerate: 'Regenerate',
  edit: 'Edit…',
  studio: 'Open in Studio',
  noRecipe: 'This image has no recipe.',
  aiGenerated: 'AI-generated',
  contentCredentials: 'Content Credentials from the service',
};

const HOSTILE = '[x](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold** `code` ```fence``` $(zap) [y]: command:evil';

const recipe: Recipe = { v: 1, prompt: HOSTILE, model: 'flux-kontext-pro', size: '16x9', seed: 42, provider: 'dmxapi', created: '2026-01-31T09:05:07.123Z' };

/**
 * Records what goes where, and builds the value the way VS Code 1.100's MarkdownString does
 * (src/vs/base/common/htmlContent.ts: appendText escapes `\`*_{}[]()#+-!~`, `>`, runs of spaces
 * and turns a newline into a paragraph break; appendMarkdown appends as is).
 */
class RecordingSink implements MarkdownSink {
  value = '';
  readonly markdown: string[] = [];
  readonly text: string[] = [];
  appendMarkdown(value: string): this {
    this.markdown.push(value);
    this.value += value;
    return this;
  }
  appendText(value: string): this {
    this.text.push(value);
    this.value += value
      .replace(/[\\`*_{}[\]()#+\-!~]/g, '\\$&')
      .replace(/([ \t]+)/g, (_, g: string) => '&nbsp;'.repeat(g.length))
      .replace(/>/gm, '\\>')
      .replace(/\n/g, '\n\n');
    return this;
  }
}

const IMAGE = { $mid: 1, scheme: 'file', path: '/ws/assets/fox (1).png' };

function render(value: string) {
  // html: false as VS Code's hover with supportHtml false.
  const md = new MarkdownIt({ html: false, linkify: false });
  // markdown-it refuses file: and command: links itself; here every link must be seen.
  md.validateLink = () => true;
  md.normalizeLink = (url: string) => url;
  const tokens = md.parseInline(value, {}).flatMap((t) => t.children ?? []);
  const links = tokens.filter((t) => t.type === 'link_open').map((t) => t.attrGet('href') ?? '');
  const images = tokens.filter((t) => t.type === 'image').map((t) => t.attrGet('src') ?? '');
  const strong = tokens.filter((t) => t.type === 'strong_open').length;
  const code = tokens.filter((t) => t.type === 'code_inline').length;
  return { links, images, strong, code, html: tokens.filter((t) => t.type === 'html_inline').length, text: tokens.filter((t) => t.type === 'text').map((t) => t.content).join('').replace(/\u00a0/g, ' ') };
}

describe('recipe hover', () => {
  it('says the image is AI-generated, and that it carries the service\'s Content Credentials, only when the file says so', () => {
    const both = new RecordingSink();
    writeRecipeHover(both, { imageSrc: 'file:///ws/a.jpg', imageArg: IMAGE, recipe, aiGenerated: true, contentCredentials: true, labels: LABELS });
    const r = render(both.value);
    assert.ok(r.text.includes('AI-generated') && r.text.includes('Content Credentials from the service'), both.value);
    const plain = new RecordingSink();
    writeRecipeHover(plain, { imageSrc: 'file:///ws/a.jpg', imageArg: IMAGE, labels: LABELS });
    assert.ok(!plain.value.includes('AI-generated') && !plain.value.includes('Content Credentials'));
  });

  it('puts every piece of the recipe through appendText, never appendMarkdown', () => {
    const sink = new RecordingSink();
    writeRecipeHover(sink, { imageSrc: 'file:///ws/assets/fox%20%281%29.png', imageArg: IMAGE, recipe, labels: LABELS });
    assert.ok(sink.text.includes(HOSTILE), 'the prompt is appended as text');
    // The size as a person reads it (16:9), the recipe keeps 16x9.
    assert.ok(sink.text.includes('flux-kontext-pro') && sink.text.includes('16:9') && sink.text.includes('42'));
    for (const md of sink.markdown) {
      for (const piece of ['command:workbench', '<img', '**bold**', '`code`', 'onerror']) assert.ok(!md.includes(piece), `markdown part ${JSON.stringify(md)} holds ${piece}`);
    }
  });

  it('renders the hostile prompt as plain text: only our links, no HTML, no bold, no code', () => {
    const sink = new RecordingSink();
    writeRecipeHover(sink, { imageSrc: 'file:///ws/assets/fox%20%281%29.png', imageArg: IMAGE, recipe, labels: LABELS });
    assert.ok(sink.value.includes('\\[x\\]\\(command:workbench.action.terminal.new\\)'), sink.value);
    assert.ok(sink.value.includes('\\*\\*bold\\*\\*'));
    assert.ok(sink.value.includes('\\`code\\`'));
    const r = render(sink.value);
    assert.equal(r.html, 0, 'no HTML token');
    assert.equal(r.code, 0, 'no code span from the prompt');
    // Our own bold labels: Prompt, Model, Size, Seed.
    assert.equal(r.strong, 4);
    assert.deepEqual(r.images, ['file:///ws/assets/fox%20%281%29.png|width=120']);
    const commands = r.links.map((href) => /^command:([^?]*)/.exec(href)?.[1]);
    assert.deepEqual(commands, ['flux.regenerateImage', 'flux.editImage', 'flux.openStudio']);
    assert.ok(r.text.includes('[x](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold** `code`'), r.text);
  });

  it('lists the references by path, as text: a path from the file never becomes a link or markup', () => {
    const hostilePath = 'refs/[dog](command:workbench.action.terminal.new) **x** <b>.png';
    const sink = new RecordingSink();
    const withRefs: Recipe = { ...recipe, prompt: 'the dog from image 1 in the garden of image 2', references: [{ path: 'refs/dog.png', sha256: 'a'.repeat(64) }, { path: hostilePath, sha256: 'b'.repeat(64) }] };
    writeRecipeHover(sink, { imageSrc: 'file:///a.png', imageArg: IMAGE, recipe: withRefs, labels: { ...LABELS, references: 'References' } });
    assert.ok(sink.text.some((t) => t.includes('1. refs/dog.png') && t.includes(`2. ${hostilePath}`)), sink.text.join(' | '));
    assert.ok(sink.markdown.every((md) => !md.includes('refs/')), 'no path goes in as markdown');
    const r = render(sink.value);
    assert.deepEqual(r.links.map((href) => /^command:([^?]*)/.exec(href)?.[1]), ['flux.regenerateImage', 'flux.editImage', 'flux.openStudio']);
    assert.equal(r.html, 0);
    // Our bold labels only: Prompt, Model, Size, Seed, References.
    assert.equal(r.strong, 5);
    assert.ok(r.text.includes(`References: 1. refs/dog.png · 2. ${hostilePath}`), r.text);
    // Without references, no such line.
    const plain = new RecordingSink();
    writeRecipeHover(plain, { imageSrc: 'file:///a.png', imageArg: IMAGE, recipe, labels: { ...LABELS, references: 'References' } });
    assert.ok(!plain.value.includes('References'));
  });

  it('puts the prompt, the fields and the three links before the thumbnail, which is small', () => {
    const sink = new RecordingSink();
    writeRecipeHover(sink, { imageSrc: 'file:///a.png', imageArg: IMAGE, recipe: { ...recipe, prompt: 'fox' }, labels: LABELS });
    const at = (piece: string) => sink.value.indexOf(piece);
    assert.ok(at('fox') < at('kontext') && at('kontext') < at('command:flux.regenerateImage'), sink.value);
    assert.ok(at('command:flux.openStudio') < at('![](file:///a.png|width=120)'), `the thumbnail comes last: ${sink.value}`);
    assert.ok(sink.value.endsWith('![](file:///a.png|width=120)'));
  });

  it('encodes the command arguments as encodeURIComponent(JSON)', () => {
    const sink = new RecordingSink();
    writeRecipeHover(sink, { imageSrc: 'file:///a.png', imageArg: IMAGE, recipe, labels: LABELS });
    const href = render(sink.value).links[0]!;
    assert.deepEqual(JSON.parse(decodeURIComponent(href.slice('command:flux.regenerateImage?'.length))), { image: IMAGE });
  });

  it('without a recipe: the preview, the words, and Edit… only', () => {
    const sink = new RecordingSink();
    writeRecipeHover(sink, { imageSrc: 'file:///a.png', imageArg: IMAGE, labels: LABELS });
    const r = render(sink.value);
    assert.deepEqual(r.images, ['file:///a.png|width=120']);
    assert.deepEqual(r.links.map((h) => h.split('?')[0]), ['command:flux.editImage']);
    assert.ok(r.text.includes('This image has no recipe.'));
  });

  it('shows no preview for a source that could break out of the link', () => {
    assert.equal(imagePreview('file:///a (1).png'), undefined);
    assert.equal(imagePreview('file:///a.png)[x](command:y'), undefined);
    assert.equal(imagePreview('javascript alert'), undefined);
    assert.equal(imagePreview('file:///a%20b.png'), '![](file:///a%20b.png|width=120)');
    const sink = new RecordingSink();
    writeRecipeHover(sink, { imageSrc: 'file:///a.png)![](https://evil', imageArg: IMAGE, recipe: { ...recipe, prompt: 'fox' }, labels: LABELS });
    assert.deepEqual(render(sink.value).images, []);
  });

  it('a seedless recipe shows no seed; labels are escaped; only hover commands are linked', () => {
    const sink = new RecordingSink();
    writeRecipeHover(sink, { imageArg: IMAGE, recipe: { ...recipe, prompt: 'fox', seed: null }, labels: { ...LABELS, prompt: '[P](x)' } });
    assert.ok(!sink.text.includes('42'));
    assert.equal(render(sink.value).strong, 3);
    assert.equal(escapeLabel('[P](x)'), '\\[P\\]\\(x\\)');
    assert.equal(render(sink.value).links.length, 3);
    assert.throws(() => commandLink('x', 'workbench.action.terminal.new'), RangeError);
    assert.deepEqual(HOVER_COMMANDS, ['flux.regenerateImage', 'flux.editImage', 'flux.openStudio']);
  });
});
