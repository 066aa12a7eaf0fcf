import { OvfkitError, type OvfIssue } from '@ovfkit/core';
import type { ManagedObjectReference } from './soap/codec';
import { Inventory } from './inventory';
import { findItem, findLibrary, itemFiles, type LibraryItemFile, type LibraryItemInfo } from './library';
import { ovfMessageIssue } from './library-deploy';
import type { RestClient } from './library-rest';
import type { VimSession } from './session';

/** What {@link exportToLibrary} exports and where: the export's entity, a library and an item name. */
export interface LibraryExportOptions {
  /** VM or vApp: an inventory path or `Type:moref`, as for exportOvf. */
  entity: string;
  /** Library name or id. */
  library: string;
  /** Item name: created when missing, its content replaced when present (vCenter's createOvf). */
  item: string;
  /** The item's description and the descriptor's Annotation. */
  description?: string;
  /** createOvf flags (`vcenter.ovf.ExportFlag`, e.g. `EXTRA_CONFIG`, `MAC`, `UUID`). */
  flags?: string[];
  signal?: AbortSignal;
}

/** The item an export to a library made or replaced, with its files as vCenter lists them. */
export interface LibraryExportResult {
  entity: ManagedObjectReference;
  libraryId: string;
  itemId: string;
  /** True when the item did not exist before. */
  created: boolean;
  contentVersion: string;
  files: LibraryItemFile[];
  /** vCenter's warnings, in the issue shape. */
  warning: OvfIssue[];
}

/** vCenter did not create the OVF package in the library: every error it gave, in the issue shape; no item was made. */
export class LibraryExportError extends OvfkitError {
  constructor(
    readonly error: OvfIssue[],
    readonly warning: OvfIssue[],
    message: string,
  ) {
    super('EXPORT_DESCRIPTOR', message);
  }
}

/**
 * Exports a VM or vApp into a content library item with `POST …/vcenter/ovf/library-item`
 * (createOvf): vCenter itself writes the descriptor and the disks into the item, nothing flows
 * through ovfkit. An existing item of that name gets its content replaced (target
 * `library_item_id`), else a new OVF item is created. A result that did not succeed is a
 * {@link LibraryExportError} with vCenter's messages.
 * @see vcenter.ovf.LibraryItem.create
 * @example await exportToLibrary(rest, session, { entity: '/DC0/vm/web01', library: 'templates', item: 'web01' })
 */
export async function exportToLibrary(rest: RestClient, session: VimSession, options: LibraryExportOptions): Promise<LibraryExportResult> {
  const { signal } = options;
  const entity = await new Inventory(session).get(options.entity, 'VM or vApp', ['VirtualMachine', 'VirtualApp'], signal);
  const lib = await findLibrary(rest, options.library, signal);
  const existing = await findItem(rest, lib.id, options.item, signal);
  if (existing && existing.type !== 'ovf') throw new OvfkitError('UNSUPPORTED', `library item ${JSON.stringify(options.item)} of ${JSON.stringify(lib.name)} is of type ${existing.type}, not an OVF item`);
  const body = {
    source: { type: entity.type, id: entity.value },
    target: existing ? { library_item_id: existing.id } : { library_id: lib.id },
    create_spec: { name: options.item, ...(options.description !== undefined ? { description: options.description } : {}), ...(options.flags?.length ? { flags: options.flags } : {}) },
  };
  const redact = (s: string): string => session.client.redact(s);
  type Answer = { succeeded: boolean; ovf_library_item_id?: string; error?: { errors?: Parameters<typeof ovfMessageIssue>[0][]; warnings?: Parameters<typeof ovfMessageIssue>[0][] } };
  const r = await rest.call<Answer>({ method: 'POST', path: ['vcenter', 'ovf', 'library-item'], body }, signal);
  const warning = (r.error?.warnings ?? []).map((m) => ovfMessageIssue(m, redact));
  if (!r.succeeded || !r.ovf_library_item_id) {
    const error = (r.error?.errors ?? []).map((m) => ovfMessageIssue(m, redact));
    throw new LibraryExportError(error, warning, redact(`vCenter did not export ${entity.type} ${entity.value} to library ${lib.name}: ${error.length ? error.map((e) => e.localizedMessage).join('; ') : 'no reason given'}`));
  }
  const item = await rest.call<LibraryItemInfo>({ method: 'GET', path: ['content', 'library', 'item', r.ovf_library_item_id] }, signal);
  return { entity, libraryId: lib.id, itemId: item.id, created: !existing, contentVersion: String(item.content_version), files: await itemFiles(rest, item.id, signal), warning };
}
