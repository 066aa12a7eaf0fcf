/**
 * ProductSection property types: OVF type + qualifiers → the vApp type string vSphere shows
 * (`int(1..10)`, `string["a", "b"]`, `password(8..)`, `ip:VM Network`, `expression`) and a
 * checker for values given in `propertyMapping`.
 * @see DSP0243 §9.5, vsphere-ovf-api.md §4 (VAppPropertyInfo type grammar), DSP0004 qualifiers
 */

/** What a property value must satisfy. */
export interface PropertyConstraint {
  kind: 'string' | 'password' | 'int' | 'real' | 'boolean' | 'ip' | 'expression';
  /** The vApp type string. */
  vAppType: string;
  /** `ip:<network>` network, `expression` default. */
  typeReference?: string;
  min?: number;
  max?: number;
  minLen?: number;
  maxLen?: number;
  choices?: string[];
  /** Qualifiers that could not be read. */
  badQualifiers: string[];
}

const INT_RANGES: Record<string, readonly [number, number]> = {
  uint8: [0, 255],
  sint8: [-128, 127],
  uint16: [0, 65535],
  sint16: [-32768, 32767],
  uint32: [0, 4294967295],
  sint32: [-2147483648, 2147483647],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const EXPRESSION_QUALIFIERS = ['VimIp', 'Net', 'Netmask', 'Gateway', 'Subnet', 'AutoIp', 'DomainName', 'SearchPath', 'HostPrefix', 'Dns', 'HttpProxy'];

/** Splits `MinLen(1),ValueMap{"a","b,c"}` at top-level commas. */
export function splitQualifiers(q: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < q.length; i++) {
    const ch = q[i]!;
    if (quoted) {
      if (ch === '\\') {
        cur += ch + (q[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '(' || ch === '{') depth++;
    else if (ch === ')' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function quotedList(body: string): string[] | undefined {
  const out: string[] = [];
  const re = /\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(body)) !== null) {
    out.push(m[1]!.replace(/\\(.)/g, '$1'));
    last = re.lastIndex;
    if (last >= body.length) break;
  }
  return last >= body.trim().length || body.trim() === '' ? out : undefined;
}

function quoteChoice(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Reads an OVF property's type and qualifiers into a constraint with its vApp type. */
export function propertyConstraint(ovfType: string, qualifiers: string | undefined, password: boolean): PropertyConstraint {
  const bad: string[] = [];
  let minLen: number | undefined;
  let maxLen: number | undefined;
  let min: number | undefined;
  let max: number | undefined;
  let choices: string[] | undefined;
  let ip: string | undefined;
  let expression: string | undefined;
  for (const q of qualifiers ? splitQualifiers(qualifiers) : []) {
    let m: RegExpMatchArray | null;
    if ((m = /^MinLen\(\s*(\d+)\s*\)$/i.exec(q))) minLen = Number(m[1]);
    else if ((m = /^MaxLen\(\s*(\d+)\s*\)$/i.exec(q))) maxLen = Number(m[1]);
    else if ((m = /^MinValue\(\s*"?([+-]?[\d.eE+-]+)"?\s*\)$/i.exec(q))) min = Number(m[1]);
    else if ((m = /^MaxValue\(\s*"?([+-]?[\d.eE+-]+)"?\s*\)$/i.exec(q))) max = Number(m[1]);
    else if ((m = /^ValueMap\s*\{(.*)\}$/is.exec(q))) {
      const list = quotedList(m[1]!);
      if (list) choices = list;
      else bad.push(q);
    } else if ((m = /^Ip(?:\(\s*"((?:[^"\\]|\\.)*)"\s*\))?$/.exec(q))) ip = m[1] ?? '';
    else if ((m = /^(\w+)(?:\(\s*"?([^")]*)"?\s*\))?$/.exec(q)) && EXPRESSION_QUALIFIERS.includes(m[1]!)) {
      const name = m[1]!;
      expression = `\${${name[0]!.toLowerCase()}${name.slice(1)}:${m[2] ?? ''}}`;
    } else bad.push(q);
  }
  const t = ovfType.trim();
  const range = (a: number | undefined, b: number | undefined): string => (a === undefined && b === undefined ? '' : `(${a ?? ''}..${b ?? ''})`);
  if (expression !== undefined) return { kind: 'expression', vAppType: 'expression', typeReference: expression, badQualifiers: bad };
  if (ip !== undefined) {
    const c: PropertyConstraint = { kind: 'ip', vAppType: ip ? `ip:${ip}` : 'ip', badQualifiers: bad };
    if (ip) c.typeReference = ip;
    return c;
  }
  const intRange = INT_RANGES[t];
  if (intRange) {
    const c: PropertyConstraint = { kind: 'int', vAppType: 'int', min: intRange[0], max: intRange[1], badQualifiers: bad };
    if (choices) {
      const nums = choices.map(Number);
      if (nums.every((n) => Number.isInteger(n))) {
        c.choices = choices;
        c.min = Math.min(...nums);
        c.max = Math.max(...nums);
      } else bad.push('ValueMap');
    }
    if (min !== undefined) c.min = Math.max(c.min!, min);
    if (max !== undefined) c.max = Math.min(c.max!, max);
    if (min !== undefined || max !== undefined || c.choices) c.vAppType = `int${range(c.min, c.max)}`;
    return c;
  }
  if (t === 'real32' || t === 'real64') {
    const c: PropertyConstraint = { kind: 'real', vAppType: `real${range(min, max)}`, badQualifiers: bad };
    if (min !== undefined) c.min = min;
    if (max !== undefined) c.max = max;
    return c;
  }
  if (t === 'boolean') return { kind: 'boolean', vAppType: 'boolean', badQualifiers: bad };
  if (t === 'string' || t === 'password') {
    const pw = password || t === 'password';
    const c: PropertyConstraint = { kind: pw ? 'password' : 'string', vAppType: '', badQualifiers: bad };
    if (minLen !== undefined) c.minLen = minLen;
    if (maxLen !== undefined) c.maxLen = maxLen;
    if (choices && !pw) {
      c.choices = choices;
      c.vAppType = `string[${choices.map(quoteChoice).join(', ')}]`;
    } else c.vAppType = `${pw ? 'password' : 'string'}${range(minLen, maxLen)}`;
    return c;
  }
  return { kind: 'string', vAppType: 'string', badQualifiers: [...bad, `type ${t}`] };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  const parts = s.split('::');
  if (parts.length > 2) return false;
  const groups = parts.flatMap((p) => (p === '' ? [] : p.split(':')));
  return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g) || IPV4.test(g)) && (parts.length === 2 ? groups.length < 8 : groups.length === 8);
}

/**
 * Why `value` does not fit the constraint, or undefined when it does. Empty values are
 * accepted (vSphere leaves unset properties empty); the caller warns about them separately.
 */
export function checkPropertyValue(c: PropertyConstraint, value: string): string | undefined {
  if (value === '') return undefined;
  switch (c.kind) {
    case 'int': {
      if (!/^[+-]?\d+$/.test(value.trim())) return 'not an integer';
      const n = Number(value);
      if (c.choices && !c.choices.some((x) => Number(x) === n)) return `not one of ${c.choices.join(', ')}`;
      if ((c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)) return `outside ${c.min ?? ''}..${c.max ?? ''}`;
      return undefined;
    }
    case 'real': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) return 'not a number';
      if ((c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)) return `outside ${c.min ?? ''}..${c.max ?? ''}`;
      return undefined;
    }
    case 'boolean':
      return /^(true|false)$/i.test(value) ? undefined : 'not true or false';
    case 'ip':
      return IPV4.test(value) || isIpv6(value) ? undefined : 'not an IPv4 or IPv6 address';
    case 'string':
    case 'password': {
      const len = [...value].length;
      if (c.choices && !c.choices.includes(value)) return `not one of ${c.choices.map(quoteChoice).join(', ')}`;
      if (c.minLen !== undefined && len < c.minLen) return `shorter than ${c.minLen} characters`;
      if (c.maxLen !== undefined && len > c.maxLen) return `longer than ${c.maxLen} characters`;
      return undefined;
    }
    case 'expression':
      return undefined;
  }
}
