/**
 * `ovfkit_export`: one export per resource (CreateDescriptor + HttpNfcLease through
 * @ovfkit/vsphere). Any change exports again; destroy forgets the export and keeps the files.
 */
import { EXPORT_OPTIONS } from '@ovfkit/core';
import type { OvfSession } from '@ovfkit/vsphere';

import { attributePath, type AttributePath, type Diagnostic, errorDiagnostic } from '../protocol/messages';
import { isUnknown, type TfValue, UNKNOWN } from '../protocol/values';
import { knownString, type TfObject } from './check';

const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;

/** What the export is made of: a change to any of them exports again. */
const INPUTS = ['entity', 'destination', 'manifest_algorithm', 'name', 'export_option', 'chunk_size', 'triggers'] as const;

export function validateExport(config: TfObject): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const a = config['manifest_algorithm'];
  if (typeof a === 'string' && !(ALGORITHMS as readonly string[]).includes(a)) diagnostics.push(errorDiagnostic(`manifest_algorithm ${JSON.stringify(a)} is not one of ${ALGORITHMS.join(', ')}`, undefined, attributePath('manifest_algorithm')));
  const c = config['chunk_size'];
  if (typeof c === 'number' && !(Number.isSafeInteger(c) && c > 0)) diagnostics.push(errorDiagnostic(`chunk_size must be a positive whole number of bytes (got ${c})`, undefined, attributePath('chunk_size')));
  const options = config['export_option'];
  if (Array.isArray(options)) {
    const known = Object.keys(EXPORT_OPTIONS);
    options.forEach((o, i) => {
      if (typeof o === 'string' && !known.includes(o)) {
        diagnostics.push({ severity: 'WARNING', summary: `export_option ${JSON.stringify(o)} is not an export option ovfkit knows`, detail: `known: ${known.join(', ')}; vSphere ignores unknown keywords`, attribute: attributePath('export_option', i) });
      }
    });
  }
  return diagnostics;
}

export function planExport(prior: TfObject | null, proposed: TfObject | null): { planned: TfObject | null; requiresReplace: AttributePath[] } {
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const changed = INPUTS.filter((k) => prior !== null && (isUnknown(proposed[k]) || JSON.stringify(prior[k] ?? null) !== JSON.stringify(proposed[k] ?? null)));
  if (prior !== null && changed.length === 0) return { planned: proposed, requiresReplace: [] };
  return { planned: { ...proposed, id: UNKNOWN, manifest_digest: UNKNOWN, files: UNKNOWN }, requiresReplace: changed.map((k) => attributePath(k)) };
}

export async function applyExport(planned: TfObject | null, open: (what: string) => Promise<OvfSession>): Promise<{ state: TfObject | null; diagnostics: Diagnostic[] }> {
  if (planned === null) return { state: null, diagnostics: [] };
  const entity = knownString(planned['entity'])!;
  const destination = knownString(planned['destination'])!;
  const algorithm = (knownString(planned['manifest_algorithm']) ?? 'SHA256') as (typeof ALGORITHMS)[number];
  const name = knownString(planned['name']);
  const exportOption = Array.isArray(planned['export_option']) ? planned['export_option'].filter((o): o is string => typeof o === 'string') : [];
  const chunkSize = typeof planned['chunk_size'] === 'number' ? planned['chunk_size'] : undefined;
  const session = await open('creating an ovfkit_export');
  try {
    const r = await session.exportOvf({
      entity, destination, format: destination.toLowerCase().endsWith('.ova') ? 'ova' : 'ovf', manifestAlgorithm: algorithm, exportOption, includeImageFiles: false,
      ...(name !== undefined ? { name } : {}),
      ...(chunkSize !== undefined ? { chunkSizeBytes: chunkSize } : {}),
      vocabulary: 'terraform',
    });
    const state: { [k: string]: TfValue } = { ...planned, id: destination, manifest_digest: r.manifestDigest, files: r.files.map((f) => f.path) };
    return { state, diagnostics: [] };
  } catch (e) {
    return { state: null, diagnostics: [errorDiagnostic('the export failed', (e as Error).message)] };
  } finally {
    await session.logout().catch(() => undefined);
  }
}
