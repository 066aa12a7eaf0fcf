/**
 * Terraform values on the wire (`DynamicValue`): msgpack with unknown values as msgpack
 * extensions, or JSON; both decoded and encoded by a type constraint from the schema.
 * @see hashicorp/terraform docs/plugin-protocol/object-wire-format.md
 */
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';

/** A Terraform type constraint in its compact JSON form (`"string"`, `["map","string"]`, …). */
export type TfType =
  | 'string' | 'number' | 'bool' | 'dynamic'
  | readonly ['list' | 'set' | 'map', TfType]
  | readonly ['object', { readonly [name: string]: TfType }]
  | readonly ['tuple', readonly TfType[]];

/**
 * A value not known until apply. `refinements` are what Terraform knows about it anyway
 * (msgpack extension 12: 1 nullness, 2 string prefix, 3/4 number bounds, 5/6 length bounds).
 */
export class Unknown {
  constructor(readonly refinements?: ReadonlyMap<number, unknown>) {}
  /** True when Terraform said the final value will not be null. */
  get definitelyNotNull(): boolean { return this.refinements?.get(1) === false; }
}

/** The unrefined unknown value. */
export const UNKNOWN: Unknown = new Unknown();

/** A decoded Terraform value: null, a primitive, a list, a map/object, or unknown. */
export type TfValue = null | string | number | boolean | Unknown | TfValue[] | { [key: string]: TfValue };

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(v: TfValue | undefined): boolean {
  if (v instanceof Unknown) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsUnknown);
  return false;
}

/** Extension code of an unrefined unknown. */
const EXT_UNKNOWN = 0;
/** Extension code of an unknown with refinements. */
const EXT_REFINED_UNKNOWN = 12;

/** Bounds on what a peer may send us: Terraform values are small; a bad one must not exhaust memory. */
const DECODE_LIMITS = { maxStrLength: 16 * 1024 * 1024, maxBinLength: 16 * 1024 * 1024, maxArrayLength: 1_000_000, maxMapLength: 1_000_000, maxExtLength: 1024 * 1024 } as const;

const codec = new ExtensionCodec();
// Any extension code means "unknown" (the format reserves the others for future kinds of
// unknown); only 12 carries a payload worth reading.
for (let type = 0; type < 128; type++) {
  codec.register({
    type,
    encode: (v: unknown): Uint8Array | null => {
      if (!(v instanceof Unknown)) return null;
      const refined = v.refinements !== undefined && v.refinements.size > 0;
      if (type === EXT_UNKNOWN && !refined) return new Uint8Array([0]);
      if (type === EXT_REFINED_UNKNOWN && refined) return encodeRefinements(v.refinements!);
      return null;
    },
    decode: (data: Uint8Array): Unknown => {
      if (type !== EXT_REFINED_UNKNOWN) return UNKNOWN;
      try {
        const r = decode(data, DECODE_LIMITS) as unknown;
        if (typeof r !== 'object' || r === null || Array.isArray(r)) return UNKNOWN;
        return new Unknown(new Map(Object.entries(r).map(([k, v]) => [Number(k), v])));
      } catch {
        return UNKNOWN;
      }
    },
  });
}

/**
 * The refinement map, keyed by integers as the format wants (the msgpack library writes only
 * string-keyed maps): a map header, then each key and value.
 */
function encodeRefinements(refinements: ReadonlyMap<number, unknown>): Uint8Array {
  const n = refinements.size;
  const header = n < 16 ? [0x80 | n] : [0xde, n >> 8, n & 0xff];
  const parts = [Uint8Array.from(header), ...[...refinements].flatMap(([k, v]) => [encode(k), encode(v)])];
  return Buffer.concat(parts);
}

/** The DynamicValue message as protobuf carries it. */
export interface DynamicValue {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}


/**
 * Decodes a DynamicValue (msgpack when present, else JSON) and conforms it to `type`.
 * `undefined` or an empty message decodes as null.
 * @example decodeDynamicValue({ msgpack }, ['object', { name: 'string' }]) // { name: 'web' }
 */
export function decodeDynamicValue(dv: DynamicValue | null | undefined, type: TfType): TfValue {
  if (dv?.msgpack && dv.msgpack.length > 0) {
    const raw = decode(dv.msgpack, { extensionCodec: codec, ...DECODE_LIMITS }) as unknown;
    return conform(raw, type, [], 'msgpack');
  }
  if (dv?.json && dv.json.length > 0) {
    return conform(JSON.parse(Buffer.from(dv.json).toString('utf8')) as unknown, type, [], 'json');
  }
  return null;
}

/**
 * Encodes a value as a msgpack DynamicValue of `type` (servers answer in msgpack: Terraform
 * does not read JSON in every response). Every object attribute is written, null when absent.
 */
export function encodeDynamicValue(value: TfValue | undefined, type: TfType): { msgpack: Buffer } {
  const shaped = conform(value ?? null, type, [], 'value');
  return { msgpack: Buffer.from(encode(shaped, { extensionCodec: codec, ignoreUndefined: false })) };
}

/** A value that does not fit its type: a protocol error (the peer and we disagree on the schema). */
export class ValueShapeError extends Error {
  constructor(readonly path: readonly (string | number)[], message: string) {
    super(`${path.length ? `at ${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: ` : ''}${message}`);
  }
}

function conform(raw: unknown, type: TfType, path: (string | number)[], form: 'msgpack' | 'json' | 'value'): TfValue {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Unknown) return raw;
  if (type === 'dynamic') return conformDynamic(raw, path, form);
  if (type === 'string') {
    if (typeof raw === 'string') return raw;
    throw new ValueShapeError(path, `expected a string, got ${describe(raw)}`);
  }
  if (type === 'number') {
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'bigint') return Number(raw);
    if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    throw new ValueShapeError(path, `expected a number, got ${describe(raw)}`);
  }
  if (type === 'bool') {
    if (typeof raw === 'boolean') return raw;
    throw new ValueShapeError(path, `expected a bool, got ${describe(raw)}`);
  }
  const [kind, arg] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(raw)) throw new ValueShapeError(path, `expected a ${kind}, got ${describe(raw)}`);
    return raw.map((e, i) => conform(e, arg as TfType, [...path, i], form));
  }
  if (kind === 'tuple') {
    const types = arg as readonly TfType[];
    if (!Array.isArray(raw) || raw.length !== types.length) throw new ValueShapeError(path, `expected a tuple of ${types.length}, got ${describe(raw)}`);
    return raw.map((e, i) => conform(e, types[i]!, [...path, i], form));
  }
  const entries = objectEntries(raw, path);
  if (kind === 'map') {
    const out: { [k: string]: TfValue } = {};
    for (const [k, v] of entries) out[k] = conform(v, arg as TfType, [...path, k], form);
    return out;
  }
  const attrs = arg as { readonly [name: string]: TfType };
  const out: { [k: string]: TfValue } = {};
  for (const [k] of entries) if (!(k in attrs)) throw new ValueShapeError(path, `unsupported attribute "${k}"`);
  const given = new Map(entries);
  for (const [name, t] of Object.entries(attrs)) out[name] = conform(given.get(name), t, [...path, name], form);
  return out;
}

function objectEntries(raw: unknown, path: (string | number)[]): [string, unknown][] {
  if (raw instanceof Map) return [...raw.entries()].map(([k, v]) => [String(k), v]);
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !(raw instanceof Uint8Array)) return Object.entries(raw);
  throw new ValueShapeError(path, `expected an object or map, got ${describe(raw)}`);
}

/**
 * `dynamic`: msgpack sends `[type JSON as bytes, value]`, JSON sends `{type, value}`; values we
 * produce are written back the same way with the type inferred. Inferred types are enough for
 * the plain data this provider returns (strings, numbers, bools, lists and objects of them).
 */
function conformDynamic(raw: unknown, path: (string | number)[], form: 'msgpack' | 'json' | 'value'): TfValue {
  if (form === 'msgpack') {
    if (!Array.isArray(raw) || raw.length !== 2 || !(raw[0] instanceof Uint8Array)) throw new ValueShapeError(path, 'expected a [type, value] pair for a dynamic value');
    return conform(raw[1], JSON.parse(Buffer.from(raw[0]).toString('utf8')) as TfType, path, form);
  }
  if (form === 'json') {
    const o = raw as { type?: unknown; value?: unknown };
    if (typeof o !== 'object' || o === null || o.type === undefined) throw new ValueShapeError(path, 'expected {"type", "value"} for a dynamic value');
    return conform(o.value, o.type as TfType, path, form);
  }
  const t = inferType(raw as TfValue);
  return [Buffer.from(JSON.stringify(t)), conform(raw, t, path, form)] as unknown as TfValue;
}

/** The type Terraform would give a plain value. */
export function inferType(v: TfValue): TfType {
  if (typeof v === 'string' || v === null || v instanceof Unknown) return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return ['tuple', v.map(inferType)];
  return ['object', Object.fromEntries(Object.entries(v).map(([k, e]) => [k, inferType(e)]))];
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Map) return 'a map';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
