// House styles' pure part: the file read and checked, which style a document uses in every
// language, the template filled, and the one edit that writes a declaration.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { MODEL_IDS } from '../../src/core/models';
import { recipeFor, requestFor } from '../../src/cli/fill';
import { parseRecipeJson } from '../../src/core/recipe';
import { makePng } from '../fake/png';
import { DOCUMENT_LANGUAGES, type DocumentLanguage } from '../../src/core/documents/types';
import { formatText } from '../../src/core/errors';
import {
  chooseStyle,
  chooseStyleName,
  declarationEdit,
  declaredStyle,
  fillTemplate,
  parseStylesFile,
  styleFrom,
  type StyleTextEdit,
} from '../../src/core/styles';

const CONTRACT_EXAMPLE = `{ "default": "ink",
    "styles": {
      "ink": { "description": "Ink sketches for the guide",
               "prompt": "{prompt}. Loose ink sketch, cream paper, one accent colour",
               "references": ["docs/style/ink-1.png", "docs/style/ink-2.png"],
               "model": "flux-2-pro", "size": "3x2", "megapixels": 1, "outputFormat": "jpeg" } } }`;

function apply(source: string, edit: StyleTextEdit | undefined): string {
  assert.ok(edit, 'an edit');
  return source.slice(0, edit.start) + edit.newText + source.slice(edit.end);
}

describe('house styles: the file', () => {
  it('reads the contract example', () => {
    const file = parseStylesFile(CONTRACT_EXAMPLE);
    assert.equal(file.error, undefined);
    assert.equal(file.default, 'ink');
    assert.deepEqual(file.styles.ink, {
      description: 'Ink sketches for the guide',
      prompt: '{prompt}. Loose ink sketch, cream paper, one accent colour',
      references: ['docs/style/ink-1.png', 'docs/style/ink-2.png'],
      model: 'flux-2-pro',
      size: '3x2',
      megapixels: 1,
      outputFormat: 'jpeg',
    });
  });

  it('takes comments and trailing commas, as VS Code writes its own files', () => {
    const file = parseStylesFile('{\n  // the guide\n  "styles": { "a": { "prompt": "x", }, },\n}');
    assert.equal(file.error, undefined);
    assert.deepEqual(Object.keys(file.styles), ['a']);
  });

  it('says a file that is not JSON is not, naming the file and the line', () => {
    const file = parseStylesFile('{\n  "styles": {\n    "a": { "prompt": "x" \n    "b": 1 } } }', '.vscode/flux-styles.json');
    assert.ok(file.error);
    assert.match(formatText(file.error), /\.vscode\/flux-styles\.json is not valid JSON \(line 4: CommaExpected\)/);
    assert.throws(() => styleFrom(file, 'a'), (e: Error) => /not valid JSON/.test(e.message));
  });

  it('refuses a file without an object of styles', () => {
    for (const source of ['[]', '{}', '{"styles": []}', '"ink"']) assert.ok(parseStylesFile(source).error, source);
  });

  it('names the style without a prompt, and keeps the others usable', () => {
    const file = parseStylesFile('{"styles": {"good": {"prompt": "{prompt}, ink"}, "bad": {"description": "no prompt"}, "empty": {"prompt": "  "}}}', 'f.json');
    assert.deepEqual(Object.keys(file.styles), ['good']);
    assert.throws(() => styleFrom(file, 'bad', 'f.json'), (e: Error) => e.message === 'In f.json, the style “bad” has no “prompt” (the text its images are made with). Nothing was sent.');
    assert.throws(() => styleFrom(file, 'empty', 'f.json'), /“empty” has no “prompt”/);
    assert.equal(styleFrom(file, 'good').prompt, '{prompt}, ink');
  });

  it('names the style and the field written wrongly', () => {
    const cases: [string, string][] = [
      ['"references": "a.png"', 'references'],
      ['"references": [""]', 'references'],
      ['"model": "no spaces allowed"', 'model'],
      ['"size": "big"', 'size'],
      ['"size": "5x7"', 'size'],
      ['"megapixels": 9', 'megapixels'],
      ['"outputFormat": "gif"', 'outputFormat'],
      ['"description": 3', 'description'],
    ];
    for (const [field, name] of cases) {
      const file = parseStylesFile(`{"styles": {"ink": {"prompt": "x", ${field}}}}`, 'f.json');
      assert.throws(() => styleFrom(file, 'ink', 'f.json'), (e: Error) => e.message === `In f.json, the style “ink” has an invalid “${name}”. Nothing was sent.`, field);
    }
  });

  it('names an unknown style and the ones the file has', () => {
    const file = parseStylesFile('{"styles": {"ink": {"prompt": "x"}, "flat": {"prompt": "y"}}}');
    assert.throws(() => styleFrom(file, 'watercolour', 'f.json'), (e: Error) => e.message === 'The style “watercolour” is not in f.json (it has ink, flat). Nothing was sent.');
    assert.throws(() => styleFrom(file, 'toString', 'f.json'), /not in f\.json/);
  });

  it('refuses a default that is not a style name', () => {
    assert.ok(parseStylesFile('{"default": 3, "styles": {}}').error);
    assert.equal(parseStylesFile('{"default": "none", "styles": {}}').default, 'none');
  });
});

describe('house styles: the template', () => {
  it('puts the writer’s words where {prompt} is', () => {
    assert.equal(fillTemplate('{prompt}. Loose ink sketch', 'A fox'), 'A fox. Loose ink sketch');
    assert.equal(fillTemplate('Poster: {prompt}; again {prompt}', 'cat'), 'Poster: cat; again cat');
    // Replacement patterns in the words are words.
    assert.equal(fillTemplate('{prompt}!', 'costs $& and $1'), 'costs $& and $1!');
  });

  it('without {prompt}, the style’s text follows the words after ", "', () => {
    assert.equal(fillTemplate('loose ink sketch, cream paper', 'A fox in snow'), 'A fox in snow, loose ink sketch, cream paper');
  });
});

describe('house styles: which style a document uses', () => {
  it('takes the argument, then the declaration, then the setting, then the file’s default', () => {
    const all = { explicit: 'a', declared: 'b', setting: 'c', fileDefault: 'd' };
    assert.deepEqual(chooseStyle(all), { name: 'a', source: 'explicit' });
    assert.deepEqual(chooseStyle({ ...all, explicit: undefined }), { name: 'b', source: 'declaration' });
    assert.deepEqual(chooseStyle({ ...all, explicit: undefined, declared: undefined }), { name: 'c', source: 'setting' });
    assert.deepEqual(chooseStyle({ fileDefault: 'd', setting: '' }), { name: 'd', source: 'default' });
    assert.equal(chooseStyle({}), undefined);
  });

  it('none anywhere, or a null argument, means no style, whatever comes after', () => {
    assert.equal(chooseStyleName({ explicit: null, declared: 'b', setting: 'c', fileDefault: 'd' }), undefined);
    assert.equal(chooseStyleName({ explicit: 'none', declared: 'b' }), undefined);
    assert.equal(chooseStyleName({ declared: 'none', setting: 'c', fileDefault: 'd' }), undefined);
    assert.equal(chooseStyleName({ setting: 'none', fileDefault: 'd' }), undefined);
    assert.equal(chooseStyleName({ fileDefault: 'none' }), undefined);
  });

  const declarations: Record<DocumentLanguage, string> = {
    markdown: '---\ntitle: Guide\nflux-style: ink\n---\n\n# Guide\n',
    html: '<!DOCTYPE html>\n<!-- flux-style: ink -->\n<p>Hi</p>\n',
    restructuredtext: '.. flux-style: ink\n\nGuide\n=====\n',
    asciidoc: '// flux-style: ink\n= Guide\n',
    latex: '% flux-style: ink\n\\documentclass{article}\n',
  };

  it('reads the declaration of every language through the registry', () => {
    for (const language of DOCUMENT_LANGUAGES) {
      assert.equal(declaredStyle(declarations[language], language), 'ink', language);
      // Another language's syntax is not a declaration.
      for (const other of DOCUMENT_LANGUAGES) {
        if (other !== language && declarations[other] !== declarations[language]) {
          const read = declaredStyle(declarations[other], language);
          if (language === 'markdown' || other === 'markdown') assert.equal(read, undefined, `${other} in ${language}`);
        }
      }
    }
  });

  it('reads Markdown front matter only, quoted names, TOML, and CRLF', () => {
    assert.equal(declaredStyle('# Guide\n\nflux-style: ink\n', 'markdown'), undefined);
    assert.equal(declaredStyle('<!-- flux-style: ink -->\n# Guide\n', 'markdown'), undefined);
    assert.equal(declaredStyle('---\nflux-style: "ink"\n---\n', 'markdown'), 'ink');
    assert.equal(declaredStyle("---\r\nflux-style: 'flat-2'\r\n---\r\n", 'markdown'), 'flat-2');
    assert.equal(declaredStyle('+++\ntitle = "x"\nflux-style = "ink"\n+++\n', 'markdown'), 'ink');
    assert.equal(declaredStyle('---\nflux-style: ink\n', 'markdown'), undefined, 'front matter never closed');
  });

  it('finds the comment line anywhere in the other languages, and only as a whole line', () => {
    assert.equal(declaredStyle('<p>Hi</p>\n  <!-- flux-style: flat -->\n', 'html'), 'flat');
    assert.equal(declaredStyle('<p>Hi <!-- flux-style: flat --></p>\n', 'html'), undefined);
    assert.equal(declaredStyle('Text\n\n..  flux-style:  ink\n', 'restructuredtext'), 'ink');
    assert.equal(declaredStyle('Some text % flux-style: ink\n', 'latex'), undefined);
  });
});

describe('house styles: the declaration edit', () => {
  it('writes a new declaration in every language, read back as written', () => {
    const bodies: Record<DocumentLanguage, string> = {
      markdown: '# Guide\n\nText.\n',
      html: '<!doctype html>\n<html><body><p>Hi</p></body></html>\n',
      restructuredtext: 'Guide\n=====\n',
      asciidoc: '= Guide\n\nText.\n',
      latex: '\\documentclass{article}\n',
    };
    const expected: Record<DocumentLanguage, string> = {
      markdown: '---\nflux-style: ink\n---\n\n# Guide\n\nText.\n',
      html: '<!doctype html>\n<!-- flux-style: ink -->\n<html><body><p>Hi</p></body></html>\n',
      restructuredtext: '.. flux-style: ink\n\nGuide\n=====\n',
      asciidoc: '// flux-style: ink\n= Guide\n\nText.\n',
      latex: '% flux-style: ink\n\\documentclass{article}\n',
    };
    for (const language of DOCUMENT_LANGUAGES) {
      const out = apply(bodies[language], declarationEdit(bodies[language], language, 'ink'));
      assert.equal(out, expected[language], language);
      assert.equal(declaredStyle(out, language), 'ink', language);
      // Changed, then removed: back to the text it was.
      const changed = apply(out, declarationEdit(out, language, 'flat'));
      assert.equal(declaredStyle(changed, language), 'flat', language);
      assert.equal(apply(changed, declarationEdit(changed, language, null)), bodies[language], language);
      assert.equal(declarationEdit(bodies[language], language, null), undefined, language);
      assert.equal(declarationEdit(out, language, 'ink'), undefined, language);
    }
  });

  it('adds to existing front matter, keeps CRLF, and leaves its other lines', () => {
    const source = '---\r\ntitle: Guide\r\n---\r\n# Guide\r\n';
    const out = apply(source, declarationEdit(source, 'markdown', 'ink'));
    assert.equal(out, '---\r\ntitle: Guide\r\nflux-style: ink\r\n---\r\n# Guide\r\n');
    assert.equal(apply(out, declarationEdit(out, 'markdown', null)), source);
    const toml = '+++\ntitle = "x"\n+++\n';
    assert.equal(apply(toml, declarationEdit(toml, 'markdown', 'ink')), '+++\ntitle = "x"\nflux-style = "ink"\n+++\n');
  });

  it('declares none as a name, and refuses a name a declaration cannot hold', () => {
    assert.equal(declaredStyle(apply('# A\n', declarationEdit('# A\n', 'markdown', 'none')), 'markdown'), 'none');
    assert.throws(() => declarationEdit('# A\n', 'markdown', 'two words'), /cannot be a style name/);
  });

  it('writes an empty document', () => {
    assert.equal(apply('', declarationEdit('', 'markdown', 'ink')), '---\nflux-style: ink\n---\n');
    assert.equal(apply('', declarationEdit('', 'latex', 'ink')), '% flux-style: ink\n');
  });
});

describe('house styles: the JSON schema', () => {
  const root = path.resolve(__dirname, '..', '..', '..');
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'flux-styles.schema.json'), 'utf8')) as { definitions: { style: { properties: { model: { enum: string[] } } } } };
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

  it('accepts the contract’s example', () => {
    const contract = fs.readFileSync(path.join(root, 'docs', 'CONTRACT.md'), 'utf8');
    // The example as the contract shows it.
    const shown = /## House styles[\s\S]*?```json\n([\s\S]*?)```/.exec(contract)?.[1];
    assert.ok(shown, 'the contract shows an example');
    assert.ok(validate(JSON.parse(shown)), JSON.stringify(validate.errors));
    assert.ok(validate(JSON.parse(CONTRACT_EXAMPLE)), JSON.stringify(validate.errors));
  });

  it('refuses what the reader refuses', () => {
    for (const bad of [{}, { styles: { ink: {} } }, { styles: { ink: { prompt: 'x', outputFormat: 'gif' } } }, { styles: { none: { prompt: 'x' } } }, { styles: { ink: { prompt: 'x', megapixels: 9 } } }]) {
      assert.equal(validate(bad), false, JSON.stringify(bad));
    }
  });

  it('lists the models of the model table', () => {
    assert.deepEqual([...schema.definitions.style.properties.model.enum].sort(), [...MODEL_IDS].sort());
  });

  it('is contributed for .vscode/flux-styles.json, and shipped', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] } };
    assert.ok(manifest.contributes.jsonValidation.some((j) => j.fileMatch === '.vscode/flux-styles.json' && j.url === './schemas/flux-styles.schema.json'));
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!schemas\/\*\.json$/m);
  });
});

describe('house styles: flux-docs reads the same file', () => {
  it('sends the template, references and model of the document’s style; the recipe keeps the words', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-styles-'));
    try {
      fs.mkdirSync(path.join(root, '.vscode'));
      fs.mkdirSync(path.join(root, 'docs', 'style'), { recursive: true });
      fs.writeFileSync(path.join(root, 'docs', 'style', 'ink-1.png'), makePng(2, 2));
      fs.writeFileSync(path.join(root, '.vscode', 'flux-styles.json'), '{ "default": "none", "styles": { "ink": { "prompt": "{prompt}. Loose ink sketch", "references": ["docs/style/ink-1.png"], "model": "flux-2-pro", "size": "3x2" }, "bad": { "prompt": "x", "references": ["../out.png"] } } }');
      const image = (text: string) => ({ prompt: 'A fox in snow', document: { file: path.join(root, 'a.md'), text, language: 'markdown' as const } }) as unknown as Parameters<typeof requestFor>[0];
      const request = requestFor(image('---\nflux-style: ink\n---\n![A fox in snow](a.png)\n'), 'flux-kontext-pro', root);
      assert.equal(request.prompt, 'A fox in snow. Loose ink sketch');
      assert.equal(request.model, 'flux-2-pro');
      assert.equal(request.size, '3x2');
      assert.equal(request.references?.length, 1);
      const recipe = recipeFor(request, { bytes: new Uint8Array(), type: { format: 'png', extension: '.png', mime: 'image/png' }, source: 'url', durationMs: 1, attempts: 1 } as never, 'bfl', new Date());
      assert.equal(recipe.prompt, 'A fox in snow');
      assert.equal(recipe.sentPrompt, 'A fox in snow. Loose ink sketch');
      assert.deepEqual(recipe.style, { name: 'ink', prompt: '{prompt}. Loose ink sketch' });
      assert.equal(recipe.references?.[0]?.path, 'docs/style/ink-1.png');
      // Read back from a file as it was written; a wrong style field makes the recipe unreadable.
      assert.deepEqual(parseRecipeJson(JSON.stringify(recipe)), recipe);
      assert.equal(parseRecipeJson(JSON.stringify({ ...recipe, style: { name: 'ink' } })), undefined);
      assert.equal(parseRecipeJson(JSON.stringify({ ...recipe, style: { name: 'two words', prompt: 'x' } })), undefined);
      // The file's default is none: a document without a declaration has no style.
      assert.equal(requestFor(image('# A\n'), undefined, root).prompt, 'A fox in snow');
      assert.throws(() => requestFor(image('---\nflux-style: bad\n---\n'), undefined, root), /The style “bad” in \.vscode\/flux-styles\.json names the reference image “\.\.\/out\.png”, which is outside the workspace/);
      assert.throws(() => requestFor(image('---\nflux-style: gone\n---\n'), undefined, root), /The style “gone” is not in \.vscode\/flux-styles\.json/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
