/**
 * Text from a package (member names, hrefs, descriptor text, messages that quote them) shown on
 * a terminal or written to a log: every character that drives a terminal or reorders what the
 * reader sees is replaced by a visible escape, so a crafted name cannot set the window title,
 * clear the screen, forge a line or reverse a file extension. One rule for every front end.
 * @see ECMA-48 §5 (C0 and C1 control functions), Unicode UAX #9 §2 (explicit directional formatting)
 */

/**
 * The characters escaped: C0 controls (TAB and LF too), DEL, C1 controls, the Arabic letter
 * mark, LRM/RLM, the line and paragraph separators, the bidi embeddings and overrides
 * (U+202A–U+202E) and isolates (U+2066–U+2069).
 */
export const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const CONTROLS = new RegExp(TERMINAL_CONTROL.source, 'g');
const CONTROLS_OR_BACKSLASH = new RegExp(`${TERMINAL_CONTROL.source}|\\\\`, 'g');
const CONTROLS_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The escaped characters `JSON.stringify` leaves raw (it escapes every C0 control itself). */
const CONTROLS_ABOVE_C0 = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** `\x1b` below U+0100, `\u202e` above: what a reader types to get the character back. */
function visible(c: string): string {
  if (c === '\\') return '\\\\';
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/**
 * How much of the text ovfkit wrote itself: `value` is one raw value from a package (a member
 * name, a label); `line` is one line ovfkit composed that may quote values already escaped (an
 * issue's message); `layout` is a whole output ovfkit composed, whose LF and TAB are its own.
 */
export type EscapeForm = 'value' | 'line' | 'layout';

/**
 * Text made safe for a terminal or a log: every {@link TERMINAL_CONTROL} character becomes
 * `\xNN` or `\uNNNN`; printable text of any script is kept. In the `value` form (the default) a
 * backslash also becomes `\\`, so the value can be read back exactly; `line` leaves backslashes
 * (its values were escaped already) and `layout` keeps LF and TAB too, so no control character
 * reaches a terminal whatever a message quotes, and the lines are the ones ovfkit wrote.
 * @example escapeControls('disk\x1b]0;pwned\x07.vmdk') // 'disk\\x1b]0;pwned\\x07.vmdk'
 * @example escapeControls('evil\u202Ekdmv.exe') // 'evil\\u202ekdmv.exe'
 */
export function escapeControls(text: string, form: EscapeForm = 'value'): string {
  return text.replace(form === 'value' ? CONTROLS_OR_BACKSLASH : form === 'line' ? CONTROLS : CONTROLS_BUT_LAYOUT, visible);
}

/** True when `text` holds a character {@link escapeControls} would escape (a backslash aside). */
export function hasTerminalControl(text: string): boolean {
  return TERMINAL_CONTROL.test(text);
}

/**
 * JSON text with every {@link TERMINAL_CONTROL} character written as a `\uNNNN` escape:
 * `JSON.stringify` escapes C0 but leaves DEL, C1 and bidi controls raw. The result parses to
 * exactly the same value (outside strings JSON has no such characters).
 * @example jsonWithoutControls(JSON.stringify({ name: 'a\u202Eb' })) // '{"name":"a\\u202eb"}'
 */
export function jsonWithoutControls(json: string): string {
  return json.replace(CONTROLS_ABOVE_C0, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const COMPOSED = new WeakSet<object>();

/**
 * Marks an error whose message ovfkit composed of several lines, each escaped where it quotes
 * package text: {@link errorText} keeps its line breaks. Every other message is shown on one
 * line, its line breaks escaped, since a name it quotes may hold one.
 * @example throw composedError(new OvfkitError('INTEGRITY', `x failed:\n${lines.join('\n')}`))
 */
export function composedError<E extends Error>(error: E): E {
  COMPOSED.add(error);
  return error;
}

/** The message of `error` as a terminal or log shows it: one escaped line, or the lines of a {@link composedError}. */
export function errorText(error: { message: string }): string {
  return escapeControls(error.message, COMPOSED.has(error) ? 'layout' : 'line');
}
