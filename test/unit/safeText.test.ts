import * as assert from 'node:assert/strict';
import { plainLabel, plainText, stripBidiControls } from '../../src/core/safeText';

// The reference: how VS Code 1.100 finds links in a notification
// (microsoft/vscode src/vs/base/common/linkedText.ts, LINK_REGEX), copied as is.
// eslint-disable-next-line no-useless-escape -- copied verbatim from VS Code
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
// ...and codicons in labels and the status bar (src/vs/base/common/iconLabels.ts, iconsRegex with
// ThemeIcon.iconNameExpression and iconModifierExpression).
const VSCODE_ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/** What VS Code does to a notification message before parsing it (notifications.ts parseNotificationMessage). */
function asVsCodeParses(message: string): string {
  const cut = message.length > 1000 ? `${message.substr(0, 1000)}...` : message;
  return cut.replace(/(\r\n|\n|\r)/gm, ' ').trim();
}

function links(s: string): string[] {
  return [...asVsCodeParses(s).matchAll(VSCODE_LINK)].map((m) => m[2]);
}
function icons(s: string): string[] {
  return [...s.matchAll(VSCODE_ICON)].map((m) => m[0]);
}

const RAW_LINKED = 10;
const CORPUS: readonly string[] = [
  '[Renew your key](command:workbench.extensions.installExtension?%22evil.pwn%22)',
  'Quota exceeded. [Top up](https://evil.example/pay "Pay now") or [read more](http://x.example)',
  "[open](file:///etc/passwd 'title')",
  '[[nested](command:a)](command:b)',
  '[outer [inner] text](command:x)',
  '[a]]](command:x)',
  '[x](COMMAND:workbench.action.terminal.new)',
  '[x](HTTPS://evil.example)',
  '[x]\n(command:x)', // a newline that VS Code would turn into a space
  '[x]\u202e(command:x)', // a bidi override between the two halves
  '[x]\u0000(command:x)',
  '[x]\u200b(command:x)',
  '[x\u2066](command:x)',
  '<https://evil.example> <a href="command:x">click</a> <img src=x onerror=alert(1)>',
  '![image](https://evil.example/x.png)',
  '$(alert) $(sync~spin) $(x)[y](command:z)$(zap)',
  `${'[a]('.repeat(100)}command:x)`,
  `${'a'.repeat(998)}[x](command:x)`,
];

describe('plain text for notifications and labels', () => {
  it('no link can form, as VS Code parses notifications', () => {
    for (const s of CORPUS) {
      assert.deepEqual(links(plainText(s)), [], JSON.stringify(s));
      assert.deepEqual(links(plainText(s, 50)), [], JSON.stringify(s));
      assert.deepEqual(links(plainLabel(s)), [], JSON.stringify(s));
    }
  });
  it('the reference regex does find the links in the raw corpus', () => {
    // Proves the check above can fail: the raw messages are links to VS Code.
    assert.deepEqual(links(CORPUS[0]), ['command:workbench.extensions.installExtension?%22evil.pwn%22']);
    assert.deepEqual(links(CORPUS[1]), ['https://evil.example/pay', 'http://x.example']);
    assert.deepEqual(links('[x]\n(command:x)'.replace('\n', '')), ['command:x']);
    const linked = CORPUS.filter((s) => links(s).length > 0);
    assert.equal(linked.length, RAW_LINKED, linked.join('\n'));
  });
  it('no codicon can form', () => {
    for (const s of CORPUS) {
      assert.deepEqual(icons(plainLabel(s)), [], JSON.stringify(s));
      assert.deepEqual(icons(plainText(s)), [], JSON.stringify(s));
    }
    assert.deepEqual(icons('$(alert) $(sync~spin)'), ['$(alert)', '$(sync~spin)']);
  });
  it('reads almost the same', () => {
    assert.equal(plainText('[Renew your key](command:x)'), '[Renew your key] (command:x)');
    assert.equal(plainLabel('$(alert) fox'), '$ (alert) fox');
    assert.equal(plainText('Quota exceeded (code 42). [See] the docs.'), 'Quota exceeded (code 42). [See] the docs.');
    assert.equal(plainText('<b>bold</b> & "quoted"'), '<b>bold</b> & "quoted"');
    assert.equal(plainText('漫画 狐狸 🦊'), '漫画 狐狸 🦊');
  });
  it('puts everything on one line and drops control and bidi characters', () => {
    assert.equal(plainText('line one\r\nline two\n\n\tthree  '), 'line one line two three');
    assert.equal(plainText('a\u202eb\u202ac\u202dd\u2066e\u2067f\u2068g\u2069h\u200ei\u200fj\u061ck'), 'abcdefghijk');
    assert.equal(plainText('bell\u0007 esc\u001b[31m nul\u0000 del\u007f c1\u009b'), 'bell esc[31m nul del c1');
    assert.equal(plainText('\u2028para\u2029graph\u0085'), 'para graph');
    assert.equal(plainText('a\u200bb\ufeffc'), 'abc');
    assert.equal(plainText(''), '');
    assert.equal(plainText('   \n\t '), '');
  });
  it('a control character between ] and ( does not slip a link through', () => {
    assert.equal(plainText('[x]\u0000(command:x)'), '[x] (command:x)');
    assert.equal(plainText('[x]\u202e(command:x)'), '[x] (command:x)');
    assert.equal(plainText('$\u200b(zap)'), '$ (zap)');
  });
  it('shortens to the limit with an ellipsis, never cutting a surrogate pair or an emoji sequence', () => {
    const long = 'word '.repeat(500);
    const out = plainText(long, 100);
    assert.ok(out.length <= 100, String(out.length));
    assert.ok(out.endsWith('word…'), out);
    assert.equal(plainText(long).length <= 1000, true);
    assert.equal(plainLabel(long).length <= 256, true);

    const emoji = '🦊'.repeat(20); // each is a surrogate pair
    for (let max = 2; max <= 12; max++) {
      const cut = plainText(emoji, max);
      assert.ok(cut.length <= max, `${max}: ${cut}`);
      assert.ok(cut.endsWith('…'));
      assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(cut), `lone surrogate at ${max}`);
    }
    const family = '👨‍👩‍👧'.repeat(5); // ZWJ sequences stay whole
    const cut = plainText(family, 12);
    assert.equal(cut, '👨‍👩‍👧…');
    assert.equal(plainText('abc', 3), 'abc');
    assert.equal(plainText('abcd', 3), 'ab…');
  });
  it('strips only bidi controls when asked to', () => {
    assert.equal(stripBidiControls('a\u202eb\u2066c\u200fd\n[e](f)'), 'abcd\n[e](f)');
  });
  it('replaces lone surrogates', () => {
    assert.equal(plainText('a\ud800b\udc00c'), 'a\ufffdb\ufffdc');
  });
  it('shortens huge text to a safe result (its speed is measured by npm run bench)', () => {
    const huge = '[x](command:x) '.repeat(3_000_000); // 45 MB
    const out = plainText(huge);
    assert.ok(out.length <= 1000);
    assert.deepEqual(links(out), []);
  });
});
