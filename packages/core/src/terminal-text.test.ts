import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeControls, hasTerminalControl, jsonWithoutControls, TERMINAL_CONTROL } from './terminal-text';
import { q } from './messages';

/** Reads {@link escapeControls}' value form back: the inverse a user applies by eye. */
function unescape(s: string): string {
  return s.replace(/\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})/g, (_, e: string) => (e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16))));
}

/** Every code point of the escaped class, listed by hand from the ranges the docs name. */
const CLASS = [
  ...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
  0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
].map((n) => String.fromCharCode(n));

/** Strings mixing the class with backslashes, escape look-alikes and ordinary text of any script. */
const hostile = fc.array(fc.oneof(fc.constantFrom(...CLASS, '\\', '\\x1b', '\\u202e', 'é', '日本', '\u{1F600}', ' '), fc.string()), { maxLength: 12 }).map((a) => a.join(''));

describe('escapeControls: package text on a terminal or in a log', () => {
  it('escapes each character of the class visibly, and nothing else', () => {
    assert.deepEqual(CLASS.map((c) => escapeControls(`a${c}b`)).filter((s) => !/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4})b$/.test(s)), []);
    assert.equal(escapeControls('disk\x1b]0;pwned\x07\x1b[2J.vmdk'), 'disk\\x1b]0;pwned\\x07\\x1b[2J.vmdk');
    assert.equal(escapeControls('evil\u202Ekdmv.exe'), 'evil\\u202ekdmv.exe');
    assert.equal(escapeControls('a\r\nforged\tline\x85\x9b'), 'a\\x0d\\x0aforged\\x09line\\x85\\x9b');
    assert.equal(escapeControls('C:\\disk é 日本 \u{1F600}'), 'C:\\\\disk é 日本 \u{1F600}');
    assert.equal(hasTerminalControl('plain é'), false);
    assert.equal(hasTerminalControl('x\u2066'), true);
  });

  it('layout form keeps LF and TAB and backslashes, and escapes the rest', () => {
    assert.equal(escapeControls('line 1\n\tline \\x 2\r\x1b[K\u202e', 'layout'), 'line 1\n\tline \\x 2\\x0d\\x1b[K\\u202e');
  });

  it('is reversible, leaves no character of the class, and is idempotent in layout form', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const e = escapeControls(s);
        assert.equal(TERMINAL_CONTROL.test(e), false);
        assert.equal(unescape(e), s);
        const l = escapeControls(s, 'layout');
        assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/.test(l), false);
        assert.equal(escapeControls(l, 'layout'), l);
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('jsonWithoutControls writes the same JSON value with no raw C1 or bidi character', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const json = jsonWithoutControls(JSON.stringify({ [s]: [s, { s }] }, null, 2));
        assert.equal(TERMINAL_CONTROL.test(json.replace(/\n/g, '')), false);
        assert.deepEqual(JSON.parse(json), { [s]: [s, { s }] });
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('q, the quote of every core message, uses the same escaping', () => {
    assert.equal(q('a\x1b[2Jb\u202ec\nd'), '"a\\x1b[2Jb\\u202ec\\x0ad"');
  });
});
