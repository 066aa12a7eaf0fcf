/**
 * The tfplugin6 messages as @grpc/proto-loader hands them over (field names as in the proto,
 * enums as their names, bytes as Buffer, int64 as number), for the parts this provider reads and
 * writes. @see ../../proto/tfplugin6.proto
 */
import type { DynamicValue } from './values';

export type Severity = 'INVALID' | 'ERROR' | 'WARNING';

/** One step of an attribute path: an attribute, a map key or a list index. */
export type AttributePathStep = { attribute_name: string } | { element_key_string: string } | { element_key_int: number };

export interface AttributePath { steps: AttributePathStep[] }

export interface Diagnostic {
  severity: Severity;
  summary: string;
  detail?: string;
  attribute?: AttributePath;
}

export type StringKind = 'PLAIN' | 'MARKDOWN';

export interface SchemaAttribute {
  name: string;
  /** The type constraint as compact JSON bytes. */
  type: Buffer;
  description?: string;
  description_kind?: StringKind;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
  write_only?: boolean;
}

export interface SchemaBlock {
  version?: number;
  attributes: SchemaAttribute[];
  block_types?: unknown[];
  description?: string;
  description_kind?: StringKind;
  deprecated?: boolean;
}

export interface Schema { version: number; block: SchemaBlock }

export interface ServerCapabilities { plan_destroy?: boolean; get_provider_schema_optional?: boolean; move_resource_state?: boolean }
export interface ClientCapabilities { deferral_allowed?: boolean; write_only_attributes_allowed?: boolean }

export interface RawState { json?: Buffer; flatmap?: Record<string, string> }

/** Request and response of each RPC of the `tfplugin6.Provider` service. */
export interface ProviderRpcs {
  GetMetadata: [Record<string, never>, {
    server_capabilities: ServerCapabilities; diagnostics: Diagnostic[];
    data_sources: { type_name: string }[]; resources: { type_name: string }[]; functions: { name: string }[]; ephemeral_resources: { type_name: string }[];
  }];
  GetProviderSchema: [Record<string, never>, {
    provider: Schema; resource_schemas: Record<string, Schema>; data_source_schemas: Record<string, Schema>; diagnostics: Diagnostic[];
    server_capabilities: ServerCapabilities; functions: Record<string, unknown>; ephemeral_resource_schemas: Record<string, Schema>; provider_meta?: Schema;
  }];
  ValidateProviderConfig: [{ config?: DynamicValue }, { diagnostics: Diagnostic[] }];
  ValidateResourceConfig: [{ type_name: string; config?: DynamicValue; client_capabilities?: ClientCapabilities }, { diagnostics: Diagnostic[] }];
  ValidateDataResourceConfig: [{ type_name: string; config?: DynamicValue }, { diagnostics: Diagnostic[] }];
  UpgradeResourceState: [{ type_name: string; version: number; raw_state?: RawState }, { upgraded_state?: DynamicValue; diagnostics: Diagnostic[] }];
  ConfigureProvider: [{ terraform_version: string; config?: DynamicValue; client_capabilities?: ClientCapabilities }, { diagnostics: Diagnostic[] }];
  ReadResource: [{ type_name: string; current_state?: DynamicValue; private?: Buffer; client_capabilities?: ClientCapabilities }, { new_state?: DynamicValue; diagnostics: Diagnostic[]; private?: Buffer }];
  PlanResourceChange: [{
    type_name: string; prior_state?: DynamicValue; proposed_new_state?: DynamicValue; config?: DynamicValue; prior_private?: Buffer; client_capabilities?: ClientCapabilities;
  }, { planned_state?: DynamicValue; requires_replace: AttributePath[]; planned_private?: Buffer; diagnostics: Diagnostic[] }];
  ApplyResourceChange: [{
    type_name: string; prior_state?: DynamicValue; planned_state?: DynamicValue; config?: DynamicValue; planned_private?: Buffer;
  }, { new_state?: DynamicValue; private?: Buffer; diagnostics: Diagnostic[] }];
  ImportResourceState: [{ type_name: string; id: string; client_capabilities?: ClientCapabilities }, {
    imported_resources: { type_name: string; state: DynamicValue; private?: Buffer }[]; diagnostics: Diagnostic[];
  }];
  MoveResourceState: [{ source_provider_address: string; source_type_name: string; source_schema_version: number; source_state?: RawState; target_type_name: string; source_private?: Buffer }, {
    target_state?: DynamicValue; diagnostics: Diagnostic[]; target_private?: Buffer;
  }];
  ReadDataSource: [{ type_name: string; config?: DynamicValue; client_capabilities?: ClientCapabilities }, { state?: DynamicValue; diagnostics: Diagnostic[] }];
  ValidateEphemeralResourceConfig: [{ type_name: string; config?: DynamicValue }, { diagnostics: Diagnostic[] }];
  OpenEphemeralResource: [{ type_name: string; config?: DynamicValue }, { diagnostics: Diagnostic[]; result?: DynamicValue }];
  RenewEphemeralResource: [{ type_name: string; private?: Buffer }, { diagnostics: Diagnostic[] }];
  CloseEphemeralResource: [{ type_name: string; private?: Buffer }, { diagnostics: Diagnostic[] }];
  GetFunctions: [Record<string, never>, { functions: Record<string, unknown>; diagnostics: Diagnostic[] }];
  CallFunction: [{ name: string; arguments: DynamicValue[] }, { result?: DynamicValue; error?: { text: string; function_argument?: number } }];
  StopProvider: [Record<string, never>, { Error: string }];
}

export type RpcName = keyof ProviderRpcs;

/** Every RPC of the service, in the proto's order. */
export const RPC_NAMES: readonly RpcName[] = [
  'GetMetadata', 'GetProviderSchema', 'ValidateProviderConfig', 'ValidateResourceConfig', 'ValidateDataResourceConfig',
  'UpgradeResourceState', 'ConfigureProvider', 'ReadResource', 'PlanResourceChange', 'ApplyResourceChange',
  'ImportResourceState', 'MoveResourceState', 'ReadDataSource', 'ValidateEphemeralResourceConfig', 'OpenEphemeralResource',
  'RenewEphemeralResource', 'CloseEphemeralResource', 'GetFunctions', 'CallFunction', 'StopProvider',
];

/** A provider implementation: one async function per RPC. */
export type ProviderHandlers = { [K in RpcName]: (request: ProviderRpcs[K][0]) => Promise<ProviderRpcs[K][1]> };

/** An error diagnostic, optionally pointing at an attribute path. */
export function errorDiagnostic(summary: string, detail?: string, attribute?: AttributePath): Diagnostic {
  return { severity: 'ERROR', summary, ...(detail !== undefined ? { detail } : {}), ...(attribute ? { attribute } : {}) };
}

/** `attr`, `attr["key"]` or `attr[0]` as an AttributePath. */
export function attributePath(name: string, ...keys: (string | number)[]): AttributePath {
  return { steps: [{ attribute_name: name }, ...keys.map((k): AttributePathStep => (typeof k === 'number' ? { element_key_int: k } : { element_key_string: k }))] };
}
