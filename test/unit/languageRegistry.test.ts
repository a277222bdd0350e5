import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DOCUMENT_LANGUAGES, LANGUAGES, LANGUAGE_IDS, documentLanguage, languageOfExtension } from '../../src/core/documents';

interface Manifest {
  activationEvents?: string[];
  contributes: { menus?: Record<string, { command: string; when?: string }[]>; keybindings?: { command: string; when?: string }[] };
}

// out/test/unit → the repository's package.json
const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as Manifest;

describe('the language registry', () => {
  it('maps every VS Code id and file extension back to its language', () => {
    for (const language of DOCUMENT_LANGUAGES) {
      for (const id of LANGUAGES[language].ids) assert.equal(documentLanguage(id), language, id);
      for (const ext of LANGUAGES[language].extensions) assert.equal(languageOfExtension(ext.toUpperCase()), language, ext);
    }
    assert.equal(new Set(LANGUAGE_IDS).size, LANGUAGE_IDS.length, 'no id in two languages');
  });

  it('is what package.json activates on', () => {
    const onLanguage = (manifest.activationEvents ?? []).filter((e) => e.startsWith('onLanguage:')).map((e) => e.slice('onLanguage:'.length));
    // activating on opening a document is optional (commands and the Studio activate too); when there, it names every id
    if (onLanguage.length) assert.deepEqual([...onLanguage].sort(), [...LANGUAGE_IDS].sort());
  });

  it('is what every menu and keybinding `when` clause names', () => {
    const clauses = [...Object.values(manifest.contributes.menus ?? {}).flat(), ...(manifest.contributes.keybindings ?? [])].filter((m) => /LangId/.test(m.when ?? ''));
    assert.ok(clauses.length >= 4, 'the clauses are found');
    for (const { command, when } of clauses) {
      assert.doesNotMatch(when!, /LangId\s*==/, `${command}: a single language id leaves the others out`);
      const m = /LangId =~ \/\^\(([^)]*)\)\$\//.exec(when!);
      assert.ok(m, `${command}: ${when}`);
      assert.deepEqual(m[1]!.split('|').sort(), [...LANGUAGE_IDS].sort(), `${command}: ${when}`);
    }
  });
});
