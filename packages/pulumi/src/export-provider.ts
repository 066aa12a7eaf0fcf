/**
 * The OvfExport provider logic: an OVF or OVA written from a VM or vApp by the vsphere export
 * engine. The package outlives the resource, as in CDKTF and Terraform (docs/export-semantics.md):
 * destroy forgets it and keeps the files, and no export writes over a file: any input change is a
 * new export, which needs a destination that is free (a new path, or the old package moved away).
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';

import { composedError, escapeControls, MANIFEST_ALGORITHMS } from '@ovfkit/core';
import type { OvfkitBackend, VsphereSession } from './backend';
import { connectionInputFailures, NO_CONNECTION_HINT, type ConnectionInput } from './connection';
import type { CheckFailure, ProviderImpl } from './import-provider';
import { connectionFor, issueReason } from './import-provider';
import { isUnknown, unknownInputFailures } from './inputs';

/** OvfExport inputs on the wire. */
export interface OvfExportWireInputs {
  /** The VM or vApp: an OvfImport id (`VirtualMachine:vm-42`) or an inventory path. */
  entity: string;
  /** Directory (format "ovf") or file ending in .ova (format "ova"). */
  destination: string;
  format?: 'ovf' | 'ova';
  /** `ovf:id` of the top entity and base name of the files. */
  name?: string;
  manifestAlgorithm?: 'SHA1' | 'SHA256' | 'SHA512';
  exportOption?: string[];
  includeImageFiles?: boolean;
  /** Store each disk as `<file>.000000000`, … of this many bytes (`ovf:chunkSize`); any positive size. */
  chunkSize?: number;
  /** PEM private key to sign the manifest with (pass it as a secret). */
  signingKey?: string;
  signingCertificate?: string;
  /** The vCenter / ESXi the entity lives on, when not the stack's (a secret in the checkpoint). */
  connection?: ConnectionInput;
}

/** The inputs' names before they took the vSphere API's words (`exportOption`, `ovf:chunkSize`): old → new. */
export const EXPORT_OLD_NAMES = { exportOptions: 'exportOption', chunkSizeBytes: 'chunkSize' } as const;
type OldExportInputs = { [K in keyof typeof EXPORT_OLD_NAMES]?: OvfExportWireInputs[(typeof EXPORT_OLD_NAMES)[K]] };

/** The warning for an input given by its old name. */
export function deprecatedExportInput(old: string, now: string): string {
  return `OvfExport "${old}" is deprecated: name it "${now}", as CDKTF's OvfExport, Terraform's ovfkit_export (snake_case) and ovfkit export's flags do; "${old}" is accepted for one release`;
}

/**
 * The inputs (or a state written before the rename) under the new names, and a failure for each
 * input given under both: the state of an export made by an older version so diffs like a new one.
 */
function withNewNames<T extends OvfExportWireInputs>(given: T & OldExportInputs): { inputs: T; failures: CheckFailure[] } {
  const inputs = { ...given } as Record<string, unknown>;
  const failures: CheckFailure[] = [];
  for (const [old, now] of Object.entries(EXPORT_OLD_NAMES)) {
    if (inputs[old] === undefined) { delete inputs[old]; continue; }
    if (inputs[now] !== undefined) failures.push({ property: old, reason: `give "${now}" only ("${old}" is its deprecated name)` });
    else inputs[now] = inputs[old];
    delete inputs[old];
  }
  return { inputs: inputs as T, failures };
}

/** OvfExport state. */
export interface OvfExportWireOutputs extends Omit<OvfExportWireInputs, 'signingKey' | 'connection'> {
  /** The package's files (names inside the package), with size and manifest digest. */
  files: { path: string; size: number; digest: string }[];
  manifestDigest: string;
  /** The OVF descriptor that was written. */
  descriptor: string;
  /** True when the manifest was signed (the key itself is never kept). */
  signed: boolean;
  /** `sha256:<hex>` of the .ova file (format "ova"). */
  packageDigest?: string;
  warnings: string[];
}

const FORMATS = ['ovf', 'ova'] as const;

/** Inputs that are plain facts of the export; any change is a new export (the old package stays). */
export const EXPORT_REPLACE_KEYS = ['entity', 'destination', 'format', 'name', 'manifestAlgorithm', 'exportOption', 'includeImageFiles', 'chunkSize', 'signingKey', 'signingCertificate'] as const;

/**
 * Every input of OvfExport under its current name (`OvfExportArgs` without the deprecated names;
 * resources.ts fails to compile when they differ): check() refuses any other, and
 * test/src/vocabulary.test.ts holds it against docs/architecture.md.
 */
export const EXPORT_INPUTS = [...EXPORT_REPLACE_KEYS, 'connection'] as const satisfies readonly (keyof OvfExportWireInputs)[];

async function checkExport(news: OvfExportWireInputs): Promise<CheckFailure[]> {
  const f: CheckFailure[] = isUnknown(news.connection) ? [] : connectionInputFailures(news.connection);
  if (!isUnknown(news.entity) && (typeof news.entity !== 'string' || news.entity === '')) {
    f.push({ property: 'entity', reason: 'entity is required: an OvfImport id (e.g. VirtualMachine:vm-42) or an inventory path of a VM or vApp' });
  }
  if (!isUnknown(news.format) && news.format !== undefined && !FORMATS.includes(news.format)) {
    f.push({ property: 'format', reason: `${JSON.stringify(news.format)} is not a format; allowed: ovf, ova` });
  }
  if (!isUnknown(news.manifestAlgorithm) && news.manifestAlgorithm !== undefined && !(MANIFEST_ALGORITHMS as readonly string[]).includes(news.manifestAlgorithm)) {
    f.push({ property: 'manifestAlgorithm', reason: `${JSON.stringify(news.manifestAlgorithm)} is not a manifest algorithm; allowed: ${MANIFEST_ALGORITHMS.join(', ')} (vCenter 8 refuses SHA1)` });
  }
  if (!isUnknown(news.name) && news.name !== undefined && (typeof news.name !== 'string' || news.name.trim() === '')) {
    f.push({ property: 'name', reason: 'name must be a non-empty string: the ovf:id of the top entity' });
  }
  if (!isUnknown(news.chunkSize) && news.chunkSize !== undefined && !(Number.isSafeInteger(news.chunkSize) && news.chunkSize > 0)) {
    f.push({ property: 'chunkSize', reason: 'chunkSize must be a positive whole number of bytes' });
  }
  if (!isUnknown(news.exportOption) && news.exportOption !== undefined && (!Array.isArray(news.exportOption) || news.exportOption.some((o) => typeof o !== 'string'))) {
    f.push({ property: 'exportOption', reason: 'exportOption must be a list of OvfManager export option keywords (see ovfExportOption)' });
  }
  if ((news.signingKey === undefined) !== (news.signingCertificate === undefined) && !isUnknown(news.signingKey) && !isUnknown(news.signingCertificate)) {
    f.push({ property: news.signingKey === undefined ? 'signingKey' : 'signingCertificate', reason: 'signing needs both signingKey and signingCertificate' });
  }
  if (!isUnknown(news.destination)) {
    if (typeof news.destination !== 'string' || news.destination === '') {
      f.push({ property: 'destination', reason: 'destination is required: a directory for format "ovf", or a file ending in .ova' });
    } else {
      const format = isUnknown(news.format) ? undefined : (news.format ?? (news.destination.toLowerCase().endsWith('.ova') ? 'ova' : 'ovf'));
      if (format === 'ova' && !news.destination.toLowerCase().endsWith('.ova')) f.push({ property: 'destination', reason: `format "ova" writes one file; the destination should end in .ova, got ${news.destination}` });
      const parent = path.dirname(path.resolve(news.destination));
      const st = await fs.stat(parent).catch(() => undefined);
      if (!st?.isDirectory()) f.push({ property: 'destination', reason: `the directory ${parent} does not exist; create it first` });
    }
  }
  return f;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** The OvfExport provider operations over a backend. */
export function createOvfExportProvider(getBackend: () => OvfkitBackend): ProviderImpl<OvfExportWireInputs, OvfExportWireOutputs> {
  const withSession = async <T>(input: ConnectionInput | undefined, f: (s: VsphereSession) => Promise<T>): Promise<T> => {
    const c = connectionFor(input);
    if (!c) throw new Error(`exporting needs a vSphere connection: ${NO_CONNECTION_HINT}`);
    const s = await getBackend().connect(c);
    try { return await f(s); } finally { await s.logout().catch(() => undefined); }
  };
  return {
    async check(_olds, news) {
      const { inputs, failures } = withNewNames({ ...news });
      if (inputs.format === undefined && typeof inputs.destination === 'string' && !isUnknown(inputs.destination)) {
        inputs.format = inputs.destination.toLowerCase().endsWith('.ova') ? 'ova' : 'ovf';
      }
      if (inputs.manifestAlgorithm === undefined) inputs.manifestAlgorithm = 'SHA256';
      if (inputs.includeImageFiles === undefined) inputs.includeImageFiles = false;
      const unknown = unknownInputFailures('OvfExport', news, [...EXPORT_INPUTS, ...Object.keys(EXPORT_OLD_NAMES)]);
      return { inputs, failures: [...failures, ...unknown, ...await checkExport(inputs)] };
    },
    async diff(_id, stored, news) {
      const olds = withNewNames(stored).inputs;
      const replaces = EXPORT_REPLACE_KEYS.filter((k) => {
        if (k === 'signingKey') return isUnknown(news.signingKey) || (news.signingKey !== undefined) !== olds.signed;
        const n = (news as unknown as Record<string, unknown>)[k];
        const o = (olds as unknown as Record<string, unknown>)[k];
        return isUnknown(n) || JSON.stringify(n ?? null) !== JSON.stringify(o ?? null);
      });
      // The new export is written first: when it cannot be (its destination is taken), the state
      // still records the old package, which stays on disk either way.
      return { changes: replaces.length > 0, replaces: [...replaces], deleteBeforeReplace: false };
    },
    async create(inputs) {
      return { id: path.resolve(inputs.destination), outs: await exportTo(inputs, inputs.destination) };
    },
    async read(id, props) {
      // The written package is the state: gone means deleted, different bytes show as drift.
      const st = await fs.stat(props.destination).catch(() => undefined);
      if (!st) return { id: '', props };
      const files: OvfExportWireOutputs['files'] = [];
      if (props.format === 'ova') {
        files.push(...props.files);
        return { id, props: { ...props, files, packageDigest: await sha256File(props.destination) } };
      }
      for (const f of props.files ?? []) {
        const full = path.join(props.destination, f.path);
        const fst = await fs.stat(full).catch(() => undefined);
        files.push(fst ? { path: f.path, size: fst.size, digest: (await sha256File(full)).slice('sha256:'.length) } : { path: f.path, size: 0, digest: '' });
      }
      return { id, props: { ...props, files } };
    },
    async update(_id, olds) {
      return { outs: olds };
    },
    async delete() {
      // The package outlives the resource (a backup must survive `pulumi destroy` of its VM):
      // destroy forgets it, the files stay. docs/export-semantics.md says why.
    },
  };

  /** Exports `inputs.entity` to `destination` and returns the state for `inputs`. */
  async function exportTo(inputs: OvfExportWireInputs, destination: string): Promise<OvfExportWireOutputs> {
    const failures = await checkExport(inputs);
    if (failures.length) throw composedError(new Error(`the export would fail:\n${failures.map((x) => `  ${escapeControls(`${x.property}: ${x.reason}`, 'line')}`).join('\n')}`));
    const outcome = await withSession(inputs.connection, (s) => s.exportOvf({
      entity: inputs.entity,
      destination,
      format: inputs.format ?? 'ovf',
      manifestAlgorithm: inputs.manifestAlgorithm ?? 'SHA256',
      exportOption: inputs.exportOption ?? [],
      includeImageFiles: inputs.includeImageFiles === true,
      ...(inputs.name !== undefined ? { name: inputs.name } : {}),
      ...(inputs.chunkSize !== undefined ? { chunkSizeBytes: inputs.chunkSize } : {}),
      ...(inputs.signingKey !== undefined ? { signingKeyPem: inputs.signingKey } : {}),
      ...(inputs.signingCertificate !== undefined ? { signingCertificatePem: inputs.signingCertificate } : {}),
      vocabulary: 'pulumi',
    }));
    // The connection served the export only (read and delete touch the local files): the state keeps none.
    const { signingKey, connection: _connection, ...rest } = inputs;
    return {
      ...rest, files: outcome.files, manifestDigest: outcome.manifestDigest, descriptor: outcome.ovfDescriptor, signed: signingKey !== undefined,
      ...(inputs.format === 'ova' ? { packageDigest: await sha256File(destination) } : {}),
      warnings: outcome.warnings.map((i) => issueReason(i)),
    };
  }
}
