/**
 * Secrets as the front ends hold them: a value that never prints, and a salted digest of a
 * password property value that lets a plan see a change without keeping the value.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** A value that must never be printed: `String()`, JSON and `util.inspect` all show `[secret]`. */
export class SecretString {
  readonly #value: string;
  constructor(value: string) { this.#value = value; }
  /** The plain value, for the one place that sends it to vSphere. */
  reveal(): string { return this.#value; }
  toString(): string { return '[secret]'; }
  toJSON(): string { return '[secret]'; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return '[secret]'; }
}

/**
 * Salted scrypt digest of a password property value: lets diff/plan see a change, useless to read back.
 * @example passwordMatches('s3cret', passwordDigest('s3cret')) // true
 */
export function passwordDigest(value: string, salt = randomBytes(16)): string {
  return `scrypt$${salt.toString('base64')}$${scryptSync(value, salt, 32).toString('base64')}`;
}

/** True when `value` is the one {@link passwordDigest} was made from. */
export function passwordMatches(value: string, digest: string): boolean {
  const [kind, salt, hash] = digest.split('$');
  if (kind !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const got = scryptSync(value, Buffer.from(salt, 'base64'), expected.length);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
