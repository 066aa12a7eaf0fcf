/**
 * Command lines for Terraform's `local-exec` provisioner, which runs its `command` through
 * `/bin/sh -c` on Unix. Every argument is single-quoted so an OVF path, a VM name or a property
 * value can never be read as shell syntax.
 */

/** Quotes one argument for a POSIX shell (`'…'`, with embedded `'` written as `'\''`). */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins a program and its arguments into one POSIX shell command line. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Splits a command prefix such as `ovfkit` or `node /opt/ovfkit/bin.js` into words. Only plain
 * whitespace separation is supported: the prefix is configuration, not user data.
 */
export function splitCommandPrefix(prefix: string): string[] {
  return prefix.trim().split(/\s+/).filter((w) => w.length > 0);
}

/**
 * Escapes a literal string for a Terraform configuration, where `${` starts an interpolation
 * and `%{` a template directive: a property value or path containing them stays literal.
 */
export function terraformLiteral(s: string): string {
  // A function replacer: in a replacement string `$$` would itself mean one `$`.
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Applies {@link terraformLiteral} to every string inside a JSON-like value. */
export function terraformLiterals<T>(v: T): T {
  if (typeof v === 'string') return terraformLiteral(v) as T;
  if (Array.isArray(v)) return v.map(terraformLiterals) as T;
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [terraformLiteral(k), terraformLiterals(x)])) as T;
  }
  return v;
}
