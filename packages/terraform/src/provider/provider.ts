/**
 * The ovfkit provider as tfplugin6 handlers: schema, validation, plan, apply, read, import and
 * the data sources, over @ovfkit/core (the plan), @ovfkit/package and @ovfkit/vsphere.
 */
import type { OvfSession } from '@ovfkit/vsphere';

import { attributePath, type Diagnostic, errorDiagnostic, type ProviderHandlers } from '../protocol/messages';
import { toSchema, objectType } from '../protocol/schema';
import { decodeDynamicValue, encodeDynamicValue, type DynamicValue, type TfValue } from '../protocol/values';
import { checkImport, type TfObject } from './check';
import { connectOptions, providerSettings, type ProviderSettings } from './connection';
import { applyExport, planExport, validateExport } from './export-resource';
import { adoptImport, applyImport, planImport, readImport } from './import-resource';
import { readDescriptorDataSource, readPlanDataSource } from './data-sources';
import { DATA_SOURCE_SCHEMAS, type DataSourceType, PROVIDER_SCHEMA, RESOURCE_SCHEMAS, type ResourceType } from './schema';

/** How the provider reaches vSphere (tests may pass their own environment). */
export interface ProviderOptions {
  env?: NodeJS.ProcessEnv;
  /** Opens a session; default: @ovfkit/vsphere's connectOvfSession with the configured connection. */
  connect?: (settings: ProviderSettings) => Promise<OvfSession>;
}

const isResource = (t: string): t is ResourceType => t in RESOURCE_SCHEMAS;
const isDataSource = (t: string): t is DataSourceType => t in DATA_SOURCE_SCHEMAS;

/** Attributes ValidateResourceConfig checks before the provider is configured: the ones that do not depend on the target host. */
const HOST_INDEPENDENT = new Set(['property_mapping', 'password_property_mapping', 'network_mapping', 'deployment_option', 'accept_all_eulas', 'source', 'parallel_disks', 'ip_allocation_policy', 'ip_protocol', 'manifest_policy']);

function unknownType(kind: string, t: string): Diagnostic {
  return errorDiagnostic(`this provider has no ${kind} named ${JSON.stringify(t)}`, `resources: ${Object.keys(RESOURCE_SCHEMAS).join(', ')}; data sources: ${Object.keys(DATA_SOURCE_SCHEMAS).join(', ')}`);
}

/**
 * The provider's RPC handlers.
 * @example const handlers = createProvider(); await servePlugin(handlers, process.env);
 */
export function createProvider(options: ProviderOptions = {}): ProviderHandlers {
  const env = options.env ?? process.env;
  let settings: ProviderSettings = providerSettings({}, env);
  const decodeResource = (t: ResourceType, dv: DynamicValue | undefined): TfObject | null => decodeDynamicValue(dv, objectType(RESOURCE_SCHEMAS[t])) as TfObject | null;
  const encodeResource = (t: ResourceType, v: TfValue): DynamicValue => encodeDynamicValue(v, objectType(RESOURCE_SCHEMAS[t]));
  const open = async (what: string): Promise<OvfSession> => {
    if (!settings.connection) throw new Error(`${what} needs a vSphere connection: set server, user and password in the provider block, or VSPHERE_SERVER, VSPHERE_USER and VSPHERE_PASSWORD`);
    if (options.connect) return options.connect(settings);
    // Loaded on first use: offline plans never load the SOAP client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { connectOvfSession } = require('@ovfkit/vsphere') as typeof import('@ovfkit/vsphere');
    return connectOvfSession(connectOptions(settings.connection));
  };
  const failed = (e: unknown): Diagnostic[] => [errorDiagnostic((e as Error).message ?? String(e))];

  return {
    async GetMetadata() {
      return {
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: false, move_resource_state: false },
        diagnostics: [],
        data_sources: Object.keys(DATA_SOURCE_SCHEMAS).map((type_name) => ({ type_name })),
        resources: Object.keys(RESOURCE_SCHEMAS).map((type_name) => ({ type_name })),
        functions: [],
        ephemeral_resources: [],
      };
    },

    async GetProviderSchema() {
      return {
        provider: toSchema(PROVIDER_SCHEMA),
        resource_schemas: Object.fromEntries(Object.entries(RESOURCE_SCHEMAS).map(([k, s]) => [k, toSchema(s)])),
        data_source_schemas: Object.fromEntries(Object.entries(DATA_SOURCE_SCHEMAS).map(([k, s]) => [k, toSchema(s)])),
        diagnostics: [],
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: false, move_resource_state: false },
        functions: {},
        ephemeral_resource_schemas: {},
      };
    },

    async ValidateProviderConfig(req) {
      const config = decodeDynamicValue(req.config, objectType(PROVIDER_SCHEMA)) as TfObject | null;
      const diagnostics: Diagnostic[] = [];
      if (config && config['insecure'] === true && typeof config['thumbprint'] === 'string') {
        diagnostics.push(errorDiagnostic('insecure and thumbprint contradict each other', 'a pinned thumbprint is a verified connection: drop insecure', attributePath('insecure')));
      }
      return { diagnostics };
    },

    async ValidateResourceConfig(req) {
      if (!isResource(req.type_name)) return { diagnostics: [unknownType('resource', req.type_name)] };
      const config = decodeResource(req.type_name, req.config);
      if (!config) return { diagnostics: [] };
      if (req.type_name === 'ovfkit_export') return { diagnostics: validateExport(config) };
      // Before ConfigureProvider the target is not known: check what does not depend on it, and
      // only errors (the plan shows the warnings once).
      const check = await checkImport(config, {});
      return {
        diagnostics: check.diagnostics.filter((d) => {
          const first = d.attribute?.steps[0];
          return d.severity === 'ERROR' && first !== undefined && 'attribute_name' in first && HOST_INDEPENDENT.has(first.attribute_name);
        }),
      };
    },

    async ValidateDataResourceConfig(req) {
      return { diagnostics: isDataSource(req.type_name) ? [] : [unknownType('data source', req.type_name)] };
    },

    async UpgradeResourceState(req) {
      if (!isResource(req.type_name)) return { diagnostics: [unknownType('resource', req.type_name)] };
      // Schema version 0 is the only one so far: the stored JSON is read with the current schema.
      const json = req.raw_state?.json;
      const value = json && json.length > 0 ? decodeDynamicValue({ json }, objectType(RESOURCE_SCHEMAS[req.type_name])) : null;
      return { upgraded_state: encodeResource(req.type_name, value), diagnostics: [] };
    },

    async ConfigureProvider(req) {
      const config = (decodeDynamicValue(req.config, objectType(PROVIDER_SCHEMA)) ?? {}) as TfObject;
      settings = providerSettings(config, env);
      return { diagnostics: [] };
    },

    async ReadResource(req) {
      if (!isResource(req.type_name)) return { diagnostics: [unknownType('resource', req.type_name)] };
      const state = decodeResource(req.type_name, req.current_state);
      if (!state || req.type_name === 'ovfkit_export') return { new_state: encodeResource(req.type_name, state), diagnostics: [], ...(req.private ? { private: req.private } : {}) };
      try {
        return { new_state: encodeResource(req.type_name, await readImport(state, open)), diagnostics: [], ...(req.private ? { private: req.private } : {}) };
      } catch (e) {
        return { new_state: encodeResource(req.type_name, state), diagnostics: failed(e) };
      }
    },

    async PlanResourceChange(req) {
      if (!isResource(req.type_name)) return { requires_replace: [], diagnostics: [unknownType('resource', req.type_name)] };
      const prior = decodeResource(req.type_name, req.prior_state);
      const proposed = decodeResource(req.type_name, req.proposed_new_state);
      const config = decodeResource(req.type_name, req.config);
      if (req.type_name === 'ovfkit_export') {
        const r = planExport(prior, proposed);
        return { planned_state: encodeResource(req.type_name, r.planned), requires_replace: r.requiresReplace, diagnostics: config ? validateExport(config) : [] };
      }
      const r = await planImport(prior, proposed, config, settings);
      return { planned_state: encodeResource(req.type_name, r.planned), requires_replace: r.requiresReplace, diagnostics: r.diagnostics };
    },

    async ApplyResourceChange(req) {
      if (!isResource(req.type_name)) return { diagnostics: [unknownType('resource', req.type_name)] };
      const prior = decodeResource(req.type_name, req.prior_state);
      const planned = decodeResource(req.type_name, req.planned_state);
      const config = decodeResource(req.type_name, req.config);
      try {
        const r = req.type_name === 'ovfkit_export'
          ? await applyExport(prior !== null && planned === null ? null : planned, open)
          : await applyImport(prior, planned, config, settings, open);
        // On failure Terraform keeps what new_state says: the prior state for an update, nothing for a create.
        const state = r.diagnostics.some((d) => d.severity === 'ERROR') && r.state === null ? prior : r.state;
        return { new_state: encodeResource(req.type_name, state), diagnostics: r.diagnostics };
      } catch (e) {
        return { new_state: encodeResource(req.type_name, prior), diagnostics: failed(e) };
      }
    },

    async ImportResourceState(req) {
      if (req.type_name !== 'ovfkit_import') return { imported_resources: [], diagnostics: [errorDiagnostic(`${req.type_name} cannot be imported`, 'only ovfkit_import adopts existing entities')] };
      try {
        const state = await adoptImport(req.id, open);
        return { imported_resources: [{ type_name: req.type_name, state: encodeResource(req.type_name, state) }], diagnostics: [] };
      } catch (e) {
        return { imported_resources: [], diagnostics: failed(e) };
      }
    },

    async MoveResourceState(req) {
      return { diagnostics: [errorDiagnostic(`moving ${req.source_type_name} state into ${req.target_type_name} is not supported`, 'ovfkit resources can only be imported (terraform import) or created')] };
    },

    async ReadDataSource(req) {
      if (!isDataSource(req.type_name)) return { diagnostics: [unknownType('data source', req.type_name)] };
      const type = objectType(DATA_SOURCE_SCHEMAS[req.type_name]);
      const config = (decodeDynamicValue(req.config, type) ?? {}) as TfObject;
      const r = req.type_name === 'ovfkit_descriptor' ? await readDescriptorDataSource(config) : await readPlanDataSource(config, settings.target);
      return { ...(r.state ? { state: encodeDynamicValue(r.state, type) } : {}), diagnostics: r.diagnostics };
    },

    async ValidateEphemeralResourceConfig(req) { return { diagnostics: [unknownType('ephemeral resource', req.type_name)] }; },
    async OpenEphemeralResource(req) { return { diagnostics: [unknownType('ephemeral resource', req.type_name)] }; },
    async RenewEphemeralResource(req) { return { diagnostics: [unknownType('ephemeral resource', req.type_name)] }; },
    async CloseEphemeralResource(req) { return { diagnostics: [unknownType('ephemeral resource', req.type_name)] }; },
    async GetFunctions() { return { functions: {}, diagnostics: [] }; },
    async CallFunction(req) { return { error: { text: `this provider has no function named ${JSON.stringify(req.name)}` } }; },
    async StopProvider() { return { Error: '' }; },
  };
}
