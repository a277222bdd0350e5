// House styles' pure part: the file read and checked, which style a document uses in every
// language, the template filled, and the one edit that writes a declaration.
import * as assert from 'node:assert/strict';
import { DOCUMENT_LANGUAGES, type DocumentLanguage } from '../../src/core/documents/types';
import { formatText } from '../../src/core/errors';
import {
  addReferenceToStylesText,
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

describe('house styles: adding a reference to the file', () => {
  it('creates the file, then the style, then appends, keeping comments', () => {
    const made = addReferenceToStylesText('', 'ink', 'docs/a.png');
    assert.deepEqual(parseStylesFile(made).styles.ink, { prompt: '{prompt}', references: ['docs/a.png'] });
    const commented = made.replace('{', '{\n  // ours');
    const more = addReferenceToStylesText(commented, 'ink', 'docs/b.png');
    assert.match(more, /\/\/ ours/);
    assert.deepEqual(parseStylesFile(more).styles.ink?.references, ['docs/a.png', 'docs/b.png']);
    assert.equal(addReferenceToStylesText(more, 'ink', 'docs/b.png'), more);
    const other = addReferenceToStylesText(more, 'flat', 'c.png', '{prompt}, flat colours');
    assert.deepEqual(parseStylesFile(other).styles.flat, { prompt: '{prompt}, flat colours', references: ['c.png'] });
    const noRefs = addReferenceToStylesText('{"styles": {"x": {"prompt": "p"}}}', 'x', 'd.png');
    assert.deepEqual(parseStylesFile(noRefs).styles.x, { prompt: 'p', references: ['d.png'] });
  });
});
