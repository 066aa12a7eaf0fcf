/**
 * The one error hierarchy of ovfkit. Exceptions are for service-level and usage problems
 * (bad arguments, I/O, connection, vim25 faults); problems *in a descriptor* are never thrown,
 * they are returned as `error[]` / `warning[]` like the vSphere API does.
 */

const BRAND = Symbol.for('ovfkit.error');

/** Stable codes callers can switch on. */
export type OvfkitErrorCode =
  | 'USAGE'
  | 'IO'
  | 'INPUT_TOO_LARGE'
  | 'UNSAFE_PATH'
  | 'INTEGRITY'
  | 'NETWORK'
  | 'TLS'
  | 'AUTH'
  | 'VIM_FAULT'
  | 'LEASE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INTERNAL'
  | (string & {});

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
