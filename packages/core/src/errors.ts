/**
 * The one error hierarchy of ovfkit. Exceptions are for service-level and usage problems
 * (bad arguments, I/O, connection, vim25 faults); problems *in a descriptor* are never thrown,
 * they are returned as `error[]` / `warning[]` like the vSphere API does.
 */

const BRAND = Symbol.for('ovfkit.error');

/** Every code an {@link OvfkitError} can carry, at run time (a code read from another process is checked against it). */
export const OVFKIT_ERROR_CODES = [
  'USAGE', 'IO', 'INPUT_TOO_LARGE', 'UNSAFE_PATH', 'INTEGRITY', 'NETWORK', 'HTTP_STATUS', 'TLS', 'AUTH', 'VIM_FAULT',
  'VIM_PROTOCOL', 'LEASE', 'TIMEOUT', 'ABORTED', 'PARSE', 'UNSUPPORTED', 'PLAN_REFUSED', 'IMPORT_SPEC', 'EXPORT_DESCRIPTOR', 'INTERNAL',
] as const;

/** Stable codes callers can switch on: a closed union, so a misspelt code does not compile. */
export type OvfkitErrorCode = (typeof OVFKIT_ERROR_CODES)[number];

/** True when `code` (from JSON, another process) is one of {@link OVFKIT_ERROR_CODES}. */
export function isOvfkitErrorCode(code: unknown): code is OvfkitErrorCode {
  return typeof code === 'string' && (OVFKIT_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * Base of every error ovfkit throws, branded with `Symbol.for('ovfkit.error')` so it is
 * recognised even when several copies of a package are loaded (as in a serialized Pulumi provider).
 * @example
 * try { ... } catch (e) { if (isOvfkitError(e) && e.code === 'USAGE') ... }
 */
export class OvfkitError extends Error {
  readonly code: OvfkitErrorCode;
  /** Brand checked by {@link isOvfkitError}. */
  readonly [BRAND] = true;

  constructor(code: OvfkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** True for any ovfkit error, whichever copy of the package created it. */
export function isOvfkitError(e: unknown): e is OvfkitError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** A mistake in how a command or function was called: shown to the user without a stack trace. */
export class UsageError extends OvfkitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}
