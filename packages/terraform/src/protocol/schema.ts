/**
 * Schemas as this provider declares them (flat attributes, no nested blocks), and the two
 * things derived from one declaration: the protobuf `Schema` Terraform reads, and the object
 * type values of that block are encoded with.
 */
import type { Schema, SchemaAttribute } from './messages';
import type { TfType } from './values';

/** One attribute: its type and how Terraform treats it. */
export interface AttributeSpec {
  type: TfType;
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** Never in plan or state; only in config (Terraform 1.11+). */
  writeOnly?: boolean;
}

/** A block: attribute name → spec, in the order they are shown. */
export interface BlockSpec {
  version: number;
  description: string;
  attributes: Readonly<Record<string, AttributeSpec>>;
}

/** The protobuf Schema of a block. */
export function toSchema(block: BlockSpec): Schema {
  const attributes: SchemaAttribute[] = Object.entries(block.attributes).map(([name, a]) => ({
    name,
    type: Buffer.from(JSON.stringify(a.type)),
    description: a.description,
    description_kind: 'PLAIN',
    ...(a.required ? { required: true } : {}),
    ...(a.optional ? { optional: true } : {}),
    ...(a.computed ? { computed: true } : {}),
    ...(a.sensitive ? { sensitive: true } : {}),
    ...(a.writeOnly ? { write_only: true } : {}),
  }));
  return { version: block.version, block: { version: block.version, attributes, description: block.description, description_kind: 'PLAIN' } };
}

/** The object type a value of the block has on the wire. */
export function objectType(block: BlockSpec): TfType {
  return ['object', Object.fromEntries(Object.entries(block.attributes).map(([k, a]) => [k, a.type]))];
}
