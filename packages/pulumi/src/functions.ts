/**
 * Descriptor functions for Pulumi programs: the ParseDescriptor result as data, and the checks an
 * OvfImport gets at preview, without declaring a resource.
 */
import * as pulumi from '@pulumi/pulumi';

import type { OvfParseDescriptorResult } from '@ovfkit/core';

import type { ManifestPolicy, OvfkitBackend } from './backend';
import { defaultBackend } from './bind';
import { currentConnection, resolveConnection } from './connection';
import { checkImport, type CheckFailure } from './import-provider';
import type { OvfImportWireInputs } from './inputs';

/** Options of {@link getOvfDescriptor}. */
export interface GetOvfDescriptorOptions {
  /** `Configuration/@ovf:id` to select. @default the descriptor's default */
  deploymentOption?: string;
  /** @default "" */
  locale?: string;
  /** @default 'verify-if-present' */
  manifestPolicy?: ManifestPolicy;
}

/** {@link getOvfDescriptor}'s result: ParseDescriptor's fields plus the descriptor digest. */
export interface GetOvfDescriptorResult extends OvfParseDescriptorResult {
  /** `sha256:<hex>` of the descriptor bytes. */
  descriptorDigest: string;
}

/**
 * Reads a package and returns its ParseDescriptor result (networks, properties, deployment
 * options, EULAs, sizes, errors and warnings) as data.
 * @example
 * const d = await getOvfDescriptor('./appliance.ova');
 * d.network?.map((n) => n.name) // ['VM Network']
 */
export async function getOvfDescriptor(source: string, options: GetOvfDescriptorOptions = {}, backend: OvfkitBackend = defaultBackend()): Promise<GetOvfDescriptorResult> {
  const read = await backend.readDescriptor(source, { manifestPolicy: options.manifestPolicy ?? 'verify-if-present' });
  const parse = await backend.parseDescriptor(read.ovfDescriptorBytes, { locale: options.locale ?? '', deploymentOption: options.deploymentOption ?? '' });
  const error = [...read.error, ...(parse.error ?? [])];
  const warning = [...read.warning, ...(parse.warning ?? [])];
  return { ...parse, ...(error.length ? { error } : {}), ...(warning.length ? { warning } : {}), descriptorDigest: read.descriptorDigest };
}

/** The Output form of {@link getOvfDescriptor}, for sources computed by other resources. */
export function getOvfDescriptorOutput(source: pulumi.Input<string>, options: GetOvfDescriptorOptions = {}): pulumi.Output<GetOvfDescriptorResult> {
  return pulumi.output(source).apply((s) => getOvfDescriptor(s, options));
}

/** Result of {@link validateOvf}: what `pulumi preview` would report for these OvfImport inputs. */
export interface ValidateOvfResult {
  /** True when there is no failure. */
  valid: boolean;
  failures: CheckFailure[];
  warnings: string[];
}

/**
 * Runs the OvfImport checks (ParseDescriptor, ValidateHost, CreateImportSpec, inputs against the
 * descriptor) on plain inputs. Uses the inputs' `connection`, else (unless
 * `useEnvironmentConnection: false`) the stack config or `VSPHERE_*` environment, else the host
 * profile (and inventory) given.
 * @example
 * const r = await validateOvf({ source: './appliance.ova', hostProfile: 'esxi-7.0u3' });
 * if (!r.valid) console.log(r.failures);
 */
export async function validateOvf(inputs: OvfImportWireInputs, options: { backend?: OvfkitBackend; useEnvironmentConnection?: boolean } = {}): Promise<ValidateOvfResult> {
  const connection = options.useEnvironmentConnection === false ? resolveConnection(undefined, {}, inputs.connection) : currentConnection(inputs.connection);
  const r = await checkImport(options.backend ?? defaultBackend(), inputs, connection);
  return { valid: r.failures.length === 0, failures: r.failures, warnings: r.warnings };
}
