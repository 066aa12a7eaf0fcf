import { OvfkitError } from '@ovfkit/core';
import { type FieldDef, PRIMITIVES, typeDef } from './schema';
import { escapeXml, type XmlNode, XSD_NS, xsiType, writeNode } from './xml';

/**
 * A vim25 ManagedObjectReference: the managed object's type and its opaque id.
 * @see vim25 ManagedObjectReference
 */
export interface ManagedObjectReference {
  type: string;
  value: string;
}

/** A vim25 data object as decoded: plain fields plus `_typeName` when the wire named the type. */
export type DataObject = { _typeName?: string } & { [field: string]: unknown };

/** An XML fragment kept verbatim (e.g. an ImportSpec) so it can be sent back without losing any `xsi:type`. */
export interface RawXml {
  readonly _raw: XmlNode;
}

export function isRawXml(v: unknown): v is RawXml {
  return typeof v === 'object' && v !== null && '_raw' in v;
}

export function isMoRef(v: unknown): v is ManagedObjectReference {
  return typeof v === 'object' && v !== null && typeof (v as ManagedObjectReference).type === 'string' && typeof (v as ManagedObjectReference).value === 'string' && Object.keys(v).length === 2;
}

// ---------------------------------------------------------------- encoding

/**
 * Serializes `value` as element `name` of declared type `declared`, in schema field order.
 * `poly` forces `xsi:type` (the declared type is a base type or anyType).
 */
export function encodeElement(out: string[], name: string, value: unknown, declared: string, poly = false): void {
  if (value === undefined || value === null) return;
  if (isRawXml(value)) {
    writeNode(value._raw, name, out);
    return;
  }
  if (declared === 'MoRef') {
    const ref = value as ManagedObjectReference;
    out.push(`<${name} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${name}>`);
    return;
  }
  if (PRIMITIVES.has(declared) || declared === 'anyType') {
    if (declared === 'anyType') {
      const kind = typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? (Number.isInteger(value) ? 'long' : 'double') : 'string';
      out.push(`<${name} xsi:type="xsd:${kind}">${escapeXml(primitiveText(value, kind))}</${name}>`);
    } else {
      out.push(`<${name}>${escapeXml(primitiveText(value, declared))}</${name}>`);
    }
    return;
  }
  const obj = value as DataObject;
  const actual = obj._typeName ?? declared;
  const def = typeDef(actual);
  if (!def) throw new OvfkitError('INTERNAL', `ovfkit cannot serialize vim25 type ${actual}`);
  const typeAttr = poly || actual !== declared ? ` xsi:type="${escapeXml(actual)}"` : '';
  out.push(`<${name}${typeAttr}>`);
  for (const f of def.fields) {
    const v = obj[f.name];
    if (v === undefined) continue;
    if (f.array) for (const item of v as unknown[]) encodeElement(out, f.name, item, f.type, f.poly);
    else encodeElement(out, f.name, v, f.type, f.poly);
  }
  out.push(`</${name}>`);
}

function primitiveText(v: unknown, kind: string): string {
  if (kind === 'boolean') return v ? 'true' : 'false';
  if (kind === 'int' || kind === 'long' || kind === 'short' || kind === 'byte') {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new OvfkitError('USAGE', `expected an integer for a vim25 ${kind}, got ${String(v)}`);
    return String(v);
  }
  return String(v);
}

// ---------------------------------------------------------------- decoding

/** Decodes an element of declared type `declared`; `xsi:type` on the wire wins when present. */
export function decodeElement(node: XmlNode, declared: string): unknown {
  if (declared === 'raw') return { _raw: node } satisfies RawXml;
  const t = xsiType(node);
  if (t?.ns === XSD_NS) return decodePrimitive(node.text, t.name);
  const actual = t?.name ?? declared;
  if (actual === 'ManagedObjectReference' || actual === 'MoRef') return moRef(node);
  if (actual.startsWith('ArrayOf')) {
    const item = actual.slice('ArrayOf'.length);
    const itemType = item === 'ManagedObjectReference' ? 'MoRef' : lowerPrimitive(item) ?? item;
    return node.children.map((c) => decodeElement(c, itemType));
  }
  if (PRIMITIVES.has(actual)) return decodePrimitive(node.text, actual);
  const def = typeDef(actual);
  if (actual === 'anyType' && !t) return decodeGeneric(node);
  // An enum value or other simple type named by xsi:type (e.g. HttpNfcLeaseState) is a leaf with text.
  if (!def && node.children.length === 0 && !('type' in node.attrs)) {
    // …unless a data object was declared: then it is a subtype ovfkit does not model whose
    // fields are all unset (`<fault xsi:type="NotSupported"/>`), still an object of that type.
    if (t && typeDef(declared)) return { _typeName: t.name } satisfies DataObject;
    return t ? node.text : decodeGeneric(node);
  }
  const obj: DataObject = {};
  if (t) obj._typeName = t.name;
  for (const child of node.children) {
    const f: FieldDef | undefined = def?.byName.get(child.name);
    const v = f ? decodeElement(child, f.type) : decodeGeneric(child);
    const isArray = f ? f.array : false;
    if (isArray) ((obj[child.name] as unknown[] | undefined) ?? (obj[child.name] = [] as unknown[]) as unknown[]).push(v);
    else if (!f && child.name in obj) {
      // Unknown repeated field: keep every value.
      const prev = obj[child.name];
      obj[child.name] = Array.isArray(prev) ? [...(prev as unknown[]), v] : [prev, v];
    } else obj[child.name] = v;
  }
  // Arrays the schema knows are always arrays, even when the wire had none.
  if (def) for (const f of def.fields) if (f.array && obj[f.name] === undefined && !isOptionalEmptyElided(f)) obj[f.name] = [];
  return obj;
}

/** Empty arrays are absent on the wire; ovfkit gives callers [] rather than undefined, except for raw fragments. */
function isOptionalEmptyElided(f: FieldDef): boolean {
  return f.type === 'raw';
}

function lowerPrimitive(name: string): string | undefined {
  const lower = name.charAt(0).toLowerCase() + name.slice(1);
  return PRIMITIVES.has(lower) ? lower : undefined;
}

function decodeGeneric(node: XmlNode): unknown {
  const t = xsiType(node);
  if (t) return decodeElement(node, t.name);
  if (node.children.length === 0) return 'type' in node.attrs ? moRef(node) : node.text;
  return decodeElement(node, '__generic__');
}

function moRef(node: XmlNode): ManagedObjectReference {
  return { type: node.attrs['type'] ?? '', value: node.text };
}

function decodePrimitive(text: string, kind: string): unknown {
  switch (kind) {
    case 'boolean':
      return text === 'true' || text === '1';
    case 'int':
    case 'short':
    case 'byte':
    case 'long': {
      const n = Number(text.trim());
      if (!Number.isSafeInteger(n)) throw new OvfkitError('VIM_PROTOCOL', `the server sent ${JSON.stringify(text)} for a vim25 ${kind}, which is not an integer ovfkit can represent exactly`);
      return n;
    }
    case 'double':
    case 'float':
      return Number(text);
    default:
      return text;
  }
}
