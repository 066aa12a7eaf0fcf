/**
 * OVF Property type + qualifiers → the vSphere vApp property type grammar
 * (`string(1..64)`, `int(0..10)`, `string["a", "b"]`, `password(8..)`, `ip:net`, `expression`),
 * and checking a value against it.
 * @see vsphere-ovf-api.md §4 VAppPropertyInfo, DSP0243 §9.5, govmomi ovf/configspec.go
 */

/** One parsed qualifier, e.g. `MaxLen(64)` → `{ name: 'MaxLen', args: ['64'] }`. */
export interface Qualifier {
  name: string;
  /** `(…)` arguments or `{…}` list items, unquoted. */
  args: string[];
  /** True for the `{…}` list form (ValueMap). */
  list: boolean;
  /** The qualifier as written. */
  text: string;
}

export interface ParsedQualifiers {
  qualifiers: Qualifier[];
  /** Syntax problems: the qualifier text and what is wrong. */
  malformed: { text: string; why: string }[];
}

/** Splits `MinLen(1),MaxLen(64)` / `MinValue(1) MaxValue(10)` / `ValueMap{"a","b"}` into qualifiers. */
export function parseQualifiers(text: string): ParsedQualifiers {
  const qualifiers: Qualifier[] = [];
  const malformed: { text: string; why: string }[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === ',' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && /[A-Za-z0-9_]/.test(text[i]!)) i++;
    const name = text.slice(start, i);
    if (name === '') {
      // Skip to the next separator so one bad token does not hide the rest.
      while (i < n && text[i] !== ',' && text[i] !== ' ') i++;
      malformed.push({ text: text.slice(start, i), why: 'expected a qualifier name' });
      continue;
    }
    const open = text[i];
    if (open === '(' || open === '{') {
      const close = open === '(' ? ')' : '}';
      const args: string[] = [];
      let cur = '';
      let inQuote = false;
      let done = false;
      i++;
      while (i < n) {
        const ch = text[i]!;
        if (inQuote) {
          if (ch === '\\' && i + 1 < n) { cur += text[i + 1]; i += 2; continue; }
          if (ch === '"') inQuote = false;
          else cur += ch;
          i++;
          continue;
        }
        if (ch === '"') { inQuote = true; i++; continue; }
        if (ch === ',') { args.push(cur.trim()); cur = ''; i++; continue; }
        if (ch === close) { args.push(cur.trim()); i++; done = true; break; }
        cur += ch;
        i++;
      }
      const qtext = text.slice(start, i);
      if (!done) {
        malformed.push({ text: qtext, why: `missing closing "${close}"` });
        break;
      }
      qualifiers.push({ name, args: args.length === 1 && args[0] === '' ? [] : args, list: open === '{', text: qtext });
    } else {
      qualifiers.push({ name, args: [], list: false, text: name });
    }
  }
  return { qualifiers, malformed };
}

const INT_TYPES: Record<string, [number, number]> = {
  uint8: [0, 255], sint8: [-128, 127], uint16: [0, 65535], sint16: [-32768, 32767],
  uint32: [0, 4294967295], sint32: [-2147483648, 2147483647],
  uint64: [0, Number.MAX_SAFE_INTEGER], sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int: [-2147483648, 2147483647],
};
const REAL_TYPES = new Set(['real32', 'real64', 'real']);
/** VMware expression qualifiers → the `${…}` default they produce. */
const EXPRESSIONS: Record<string, string> = {
  VimIp: 'vimIp', Net: 'net', Netmask: 'netmask', Gateway: 'gateway', Subnet: 'subnet', AutoIp: 'autoIp',
  DomainName: 'domainName', SearchPath: 'searchPath', HostPrefix: 'hostPrefix', Dns: 'dns', HttpProxy: 'httpProxy',
};
const KNOWN = new Set(['MinLen', 'MaxLen', 'MinValue', 'MaxValue', 'ValueMap', 'Ip', ...Object.keys(EXPRESSIONS)]);

/** Problems found while mapping a property's type; reported by the caller with its location. */
export interface TypeProblem {
  kind: 'type' | 'qualifier' | 'ignored';
  qualifier?: string;
  why: string;
}

export interface VAppType {
  /** vApp type string (VAppPropertyInfo.type). */
  type: string;
  /** VAppPropertyInfo.typeReference (network of `ip:net`). */
  typeReference?: string;
  /** For `expression` types: the default expression. */
  expressionDefault?: string;
  problems: TypeProblem[];
  /** Checks a value; returns why it is not acceptable, or undefined. */
  check(value: string): string | undefined;
}

const isInt = (s: string): boolean => /^[+-]?\d+$/.test(s.trim());
const isReal = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));

/**
 * Maps an OVF property to its vApp type.
 * @example toVAppType('string', 'MinLen(1),MaxLen(64)', false).type === 'string(1..64)'
 */
export function toVAppType(ovfType: string, qualifiersText: string | undefined, password: boolean): VAppType {
  const problems: TypeProblem[] = [];
  const { qualifiers, malformed } = parseQualifiers(qualifiersText ?? '');
  for (const m of malformed) problems.push({ kind: 'qualifier', qualifier: m.text, why: m.why });
  const q: Record<string, Qualifier> = {};
  for (const x of qualifiers) {
    if (!KNOWN.has(x.name)) { problems.push({ kind: 'ignored', qualifier: x.text, why: 'unknown qualifier' }); continue; }
    if (q[x.name]) problems.push({ kind: 'ignored', qualifier: x.text, why: 'given twice; the first is used' });
    else q[x.name] = x;
  }
  const num = (name: string, integer: boolean): number | undefined => {
    const x = q[name];
    if (!x) return undefined;
    const a = x.args[0];
    if (x.args.length !== 1 || a === undefined || !(integer ? isInt(a) : isReal(a))) {
      problems.push({ kind: 'qualifier', qualifier: x.text, why: `expects one ${integer ? 'whole number' : 'number'}` });
      return undefined;
    }
    return Number(a);
  };
  const t = ovfType.trim();

  for (const [name, key] of Object.entries(EXPRESSIONS)) {
    const x = q[name];
    if (x) {
      const arg = x.args[0] ?? '';
      return { type: 'expression', expressionDefault: `\${${key}:${arg}}`, problems, check: () => undefined };
    }
  }
  if (q['Ip']) {
    const net = q['Ip'].args[0];
    return {
      type: net ? `ip:${net}` : 'ip', ...(net ? { typeReference: net } : {}), problems,
      check: (v) => (v === '' || isIpAddress(v) ? undefined : 'is not an IPv4 or IPv6 address'),
    };
  }

  if (t === 'string' || t === 'password') {
    const minLen = num('MinLen', true);
    const maxLen = num('MaxLen', true);
    const vm = q['ValueMap'];
    if (vm && !password && t === 'string') {
      const choices = vm.args;
      const type = `string[${choices.map((c) => `"${c.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(', ')}]`;
      return { type, problems, check: (v) => (choices.includes(v) ? undefined : `is not one of the ValueMap choices`) };
    }
    if (minLen !== undefined && maxLen !== undefined && minLen > maxLen) problems.push({ kind: 'qualifier', qualifier: q['MinLen']!.text, why: `MinLen ${minLen} is greater than MaxLen ${maxLen}` });
    const base = password || t === 'password' ? 'password' : 'string';
    const range = minLen !== undefined || maxLen !== undefined ? `(${minLen ?? ''}..${maxLen ?? ''})` : '';
    return {
      type: base + range, problems,
      check: (v) => {
        const len = [...v].length;
        if (minLen !== undefined && len < minLen) return `is shorter than MinLen(${minLen})`;
        if (maxLen !== undefined && len > maxLen) return `is longer than MaxLen(${maxLen})`;
        return undefined;
      },
    };
  }
  if (t === 'boolean') {
    return { type: 'boolean', problems, check: (v) => (/^(true|false)$/i.test(v.trim()) ? undefined : 'is not True or False') };
  }
  const intRange = INT_TYPES[t];
  if (intRange) {
    let min = num('MinValue', true);
    let max = num('MaxValue', true);
    const vm = q['ValueMap'];
    if (vm && min === undefined && max === undefined) {
      if (vm.args.every(isInt) && vm.args.length) {
        const vals = vm.args.map(Number);
        min = Math.min(...vals);
        max = Math.max(...vals);
      } else problems.push({ kind: 'qualifier', qualifier: vm.text, why: 'a ValueMap on an integer property must list whole numbers' });
    }
    if (min !== undefined && max !== undefined && min > max) problems.push({ kind: 'qualifier', qualifier: q['MinValue']?.text ?? 'MinValue', why: `MinValue ${min} is greater than MaxValue ${max}` });
    const lo = Math.max(min ?? intRange[0], intRange[0]);
    const hi = Math.min(max ?? intRange[1], intRange[1]);
    return {
      type: min !== undefined || max !== undefined ? `int(${min ?? ''}..${max ?? ''})` : 'int', problems,
      check: (v) => {
        if (!isInt(v)) return 'is not a whole number';
        const n = Number(v);
        if (n < lo || n > hi) return `is outside ${lo}..${hi}`;
        return undefined;
      },
    };
  }
  if (REAL_TYPES.has(t)) {
    const min = num('MinValue', false);
    const max = num('MaxValue', false);
    return {
      type: min !== undefined || max !== undefined ? `real(${min ?? ''}..${max ?? ''})` : 'real', problems,
      check: (v) => {
        if (!isReal(v)) return 'is not a number';
        const n = Number(v);
        if ((min !== undefined && n < min) || (max !== undefined && n > max)) return `is outside ${min ?? ''}..${max ?? ''}`;
        return undefined;
      },
    };
  }
  if (t === 'ip' || t.startsWith('ip:')) {
    const net = t.startsWith('ip:') ? t.slice(3) : undefined;
    return { type: t, ...(net ? { typeReference: net } : {}), problems, check: (v) => (v === '' || isIpAddress(v) ? undefined : 'is not an IPv4 or IPv6 address') };
  }
  if (t === 'expression') return { type: 'expression', problems, check: () => undefined };
  problems.push({ kind: 'type', why: 'unknown type' });
  return { type: t === '' ? 'string' : t, problems, check: () => undefined };
}

function isIpAddress(v: string): boolean {
  const s = v.trim();
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s)) return s.split('.').every((p) => Number(p) <= 255);
  return /^[0-9A-Fa-f:.]+$/.test(s) && s.includes(':');
}
