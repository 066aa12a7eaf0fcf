/**
 * Problems found in a JSON document ovfkit reads (a host profile, an inventory snapshot, a
 * CreateDescriptor config), reported as data: every problem, never only the first.
 */

/** Stable codes callers can switch on. */
export type DocumentIssueCode =
  | 'NOT_AN_OBJECT'
  | 'WRONG_FORMAT'
  | 'MISSING_FIELD'
  | 'WRONG_TYPE'
  | 'OUT_OF_RANGE'
  | 'UNKNOWN_VALUE'
  | 'DUPLICATE'
  | 'DANGLING_REFERENCE'
  | 'DIGEST_MISMATCH'
  | 'UNKNOWN_FIELD';

/** One problem in a JSON document: where it is, what was seen, what is allowed and how to fix it. */
export interface DocumentIssue {
  code: DocumentIssueCode;
  /** JSON path of the offending value, e.g. `$.datastores[2].freeSpace`. */
  path: string;
  /** The value seen, rendered as short JSON (absent for a missing field). */
  value?: string;
  /** What is allowed there. */
  allowed: string;
  /** How to fix it. */
  fix: string;
  /** One-line human message. */
  message: string;
}

/** Small helpers to check an untyped JSON value and collect issues. */
export class IssueCollector {
  readonly issues: DocumentIssue[] = [];

  add(code: DocumentIssueCode, path: string, value: unknown, allowed: string, fix: string): void {
    const issue: DocumentIssue = { code, path, allowed, fix, message: `${path}: ${describe(code)}; allowed: ${allowed}` };
    if (value !== undefined) issue.value = short(value);
    this.issues.push(issue);
  }

  isObject(v: unknown, path: string): v is Record<string, unknown> {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return true;
    this.add(v === undefined ? 'MISSING_FIELD' : 'WRONG_TYPE', path, v, 'a JSON object', 'give an object { … } here');
    return false;
  }

  string(o: Record<string, unknown>, key: string, path: string, required = true): string | undefined {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    this.add(v === undefined ? 'MISSING_FIELD' : 'WRONG_TYPE', `${path}.${key}`, v, 'a non-empty string', `set "${key}" to a string`);
    return undefined;
  }

  integer(o: Record<string, unknown>, key: string, path: string, min: number, required = true, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max) return v;
    const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    const code = v === undefined ? 'MISSING_FIELD' : typeof v === 'number' && Number.isSafeInteger(v) ? 'OUT_OF_RANGE' : 'WRONG_TYPE';
    this.add(code, `${path}.${key}`, v, allowed, `set "${key}" to ${allowed}`);
    return undefined;
  }

  boolean(o: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    this.add('WRONG_TYPE', `${path}.${key}`, v, 'true or false', `set "${key}" to true or false`);
    return undefined;
  }

  oneOf<T extends string>(o: Record<string, unknown>, key: string, path: string, allowed: readonly T[], required = true): T | undefined {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.add(v === undefined ? 'MISSING_FIELD' : 'UNKNOWN_VALUE', `${path}.${key}`, v, allowed.join(', '), `use one of: ${allowed.join(', ')}`);
    return undefined;
  }

  array(o: Record<string, unknown>, key: string, path: string, required = true): unknown[] | undefined {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    if (Array.isArray(v)) return v;
    this.add(v === undefined ? 'MISSING_FIELD' : 'WRONG_TYPE', `${path}.${key}`, v, 'a JSON array', `set "${key}" to an array [ … ]`);
    return undefined;
  }

  unknownFields(o: Record<string, unknown>, path: string, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) this.add('UNKNOWN_FIELD', `${path}.${k}`, o[k], known.join(', '), `remove "${k}" or check its spelling`);
    }
  }
}

function describe(code: DocumentIssueCode): string {
  switch (code) {
    case 'NOT_AN_OBJECT': return 'not a JSON object';
    case 'WRONG_FORMAT': return 'not a document of the expected format';
    case 'MISSING_FIELD': return 'required field is missing';
    case 'WRONG_TYPE': return 'value has the wrong type';
    case 'OUT_OF_RANGE': return 'value is out of range';
    case 'UNKNOWN_VALUE': return 'value is not one of the allowed values';
    case 'DUPLICATE': return 'value is used twice';
    case 'DANGLING_REFERENCE': return 'refers to something that does not exist';
    case 'DIGEST_MISMATCH': return 'digest does not match the content';
    case 'UNKNOWN_FIELD': return 'unknown field';
  }
}

function short(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
