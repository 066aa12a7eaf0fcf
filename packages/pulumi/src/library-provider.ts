/**
 * Content Library in the Pulumi provider: the OvfLibraryItem operations (publish a package into
 * an item; replaced when its content digest changes; read reports a changed or missing item;
 * delete removes it), and what OvfImport needs for a `library:` source: its descriptor read
 * through the library (so check plans it like a file) and the deploy. Every rule is
 * @ovfkit/vsphere's (publish, content digest, deploy) or core's (the plan); this file adapts.
 */
import { composedError, escapeControls, OvfkitError } from '@ovfkit/core';
import { isLibrarySource } from '@ovfkit/package';

import type { DescriptorRead, LibrarySession, ManifestPolicy, OvfkitBackend, OvfkitLibraryBackend, SignatureRead } from './backend';
import { connectionInputFailures, NO_CONNECTION_HINT, type ConnectionInput, type ConnectionSettings } from './connection';
import type { CheckFailure, ProviderImpl } from './import-provider';
import { connectionFor, importSpecRequest, inputForIssue, issueReason, signatureRead, stateOutputs } from './import-provider';
import { formatMoRef, isUnknown, planOf, UNKNOWN, type OvfImportWireInputs, type OvfImportWireOutputs } from './inputs';

/** OvfLibraryItem inputs on the wire. */
export interface OvfLibraryItemWireInputs {
  /** The package to publish: a directory, `.ovf`, `.ova` or http(s) URL. */
  source: string;
  /** Content library name or id. */
  library: string;
  /** The item's name in the library. */
  item: string;
  /** Description of a new item. */
  description?: string;
  /** vCenter fetches the files from the URL itself (an `.ovf` URL it can reach). */
  pull?: boolean;
  connection?: ConnectionInput;
  /** Set by check: the content digest of what the publish sends (@ovfkit/vsphere `libraryContentDigest`). */
  contentDigest?: string;
  /** Set by check: `sha256:<hex>` of the package's descriptor. */
  descriptorDigest?: string;
}

/** OvfLibraryItem state. */
export interface OvfLibraryItemWireOutputs extends OvfLibraryItemWireInputs {
  libraryId: string;
  itemId: string;
  contentVersion: string;
  contentDigest: string;
  /** The item's files: name, size, checksum. */
  files: { name: string; size?: number; algorithm?: string; checksum?: string }[];
  /** `library:<item id>`: the source an OvfImport deploys this item with. */
  librarySource: string;
}

/** Inputs whose change replaces the item: another library or name is another item. */
export const LIBRARY_ITEM_REPLACE_KEYS = ['library', 'item'] as const;

type Backend = OvfkitBackend & Partial<OvfkitLibraryBackend>;

function libraryBackend(backend: Backend): OvfkitLibraryBackend {
  if (!backend.connectLibrary || !backend.libraryContent) throw new OvfkitError('UNSUPPORTED', 'this ovfkit backend has no Content Library support');
  return backend as OvfkitLibraryBackend;
}

async function withLibrary<T>(backend: Backend, what: string, connection: ConnectionSettings | undefined, f: (s: LibrarySession) => Promise<T>): Promise<T> {
  if (!connection) throw new Error(`${what} needs a vSphere connection (the Content Library is a vCenter service): ${NO_CONNECTION_HINT}`);
  const session = await libraryBackend(backend).connectLibrary(connection);
  try { return await f(session); } finally { await session.logout().catch(() => undefined); }
}

/**
 * `backend` with a `library:` source read through the Content Library (the item's descriptor,
 * manifest and certificate through download sessions), so that OvfImport's check plans an item
 * exactly as the package it came from; other sources are read as before.
 */
export function sourceBackend(backend: Backend, connection: ConnectionInput | undefined): OvfkitBackend {
  return {
    ...backend,
    readDescriptor: (source, options) => (isLibrarySource(source)
      ? withLibrary(backend, `the library source ${source}`, connectionFor(connection), (s) => s.readDescriptor(source, options))
      : backend.readDescriptor(source, options)),
  };
}

/**
 * OvfImport's create for a `library:` source: the item's descriptor is planned once more (the
 * same plan check showed, pinned to its digest: an item changed since is refused), then deployed
 * by vCenter (`ovf/library-item/{id}?action=deploy`), powered on when asked. A failed power-on
 * removes the VM: no half-done result.
 */
export async function deployFromLibrary(backend: Backend, inputs: OvfImportWireInputs): Promise<{ id: string; outs: OvfImportWireOutputs }> {
  const connection = connectionFor(inputs.connection);
  return withLibrary(backend, 'deploying a library item', connection, async (session) => {
    const options: { manifestPolicy: ManifestPolicy } & SignatureRead = { manifestPolicy: inputs.manifestPolicy ?? 'verify-if-present', ...signatureRead(inputs) };
    const read: DescriptorRead & { itemId: string } = await session.readDescriptor(inputs.source, options);
    const planned = planOf(inputs.plan)?.descriptorDigest;
    if (planned !== undefined && read.descriptorDigest !== planned) {
      throw new OvfkitError('INTEGRITY', `the library item ${inputs.source} changed since it was checked (descriptor ${read.descriptorDigest}, planned ${planned}); run the preview again`);
    }
    const request = importSpecRequest(inputs, inputs.deploymentOption ?? '');
    const local = await backend.planLocal(read.ovfDescriptorBytes, { ...request, acceptAllEulas: inputs.acceptAllEulas === true },
      typeof inputs.hostProfile === 'string' ? { hostProfile: inputs.hostProfile } : {}, read.package,
      { policy: inputs.signature ?? 'verify', ...(read.signature ? { facts: read.signature } : {}) }, options.manifestPolicy, read.descriptorDigest);
    // The host-side findings are vCenter's (the deploy reports them); the package's and the inputs' are the plan's.
    const refused = [...read.error, ...local.plan.errors.filter((i) => i.source !== 'validateHost' && i.source !== 'createImportSpec')];
    if (refused.length) {
      throw composedError(new Error(`the deployment would fail:\n${refused.map((i) => `  ${escapeControls(`${inputForIssue(i, inputs)}: ${issueReason(i)}`, 'line')}`).join('\n')}`));
    }
    const name = request.entityName ?? local.parse.defaultEntityName;
    const deployed = await session.deploy({
      ...request, entityName: name, deploymentOption: local.plan.deploymentOption.key, propertyMapping: local.propertyMapping,
      itemId: read.itemId, acceptAllEulas: inputs.acceptAllEulas === true, ...(inputs.annotation !== undefined ? { annotation: inputs.annotation } : {}),
    });
    try {
      if (inputs.powerOn === true) await session.setPowerState(deployed.entity, true);
      const entity = await session.readEntity(deployed.entity);
      if (!entity) throw new OvfkitError('VIM_PROTOCOL', `${formatMoRef(deployed.entity)} was deployed but cannot be read back`);
      const outs = stateOutputs(inputs, entity, {
        descriptorDigest: read.descriptorDigest,
        deploymentOption: local.plan.deploymentOption.key,
        warnings: [...new Set([...read.warning, ...local.plan.warnings].map((i) => issueReason(i)).concat(deployed.warnings))],
        parse: local.parse,
      });
      return { id: formatMoRef(deployed.entity), outs };
    } catch (e) {
      await session.destroy(deployed.entity).catch(() => undefined);
      throw e;
    }
  });
}

/** Inputs an OvfImport of a `library:` source cannot honour, as check failures. */
export function libraryImportFailures(news: OvfImportWireInputs): CheckFailure[] {
  if (typeof news.source !== 'string' || !isLibrarySource(news.source)) return [];
  return news.markAsTemplate === true ? [{ property: 'markAsTemplate', reason: 'a deployment from a library item cannot be marked as a template here; deploy it and convert it, or publish the template to the library instead' }] : [];
}

function shapeFailures(news: OvfLibraryItemWireInputs): CheckFailure[] {
  const f: CheckFailure[] = isUnknown(news.connection) ? [] : connectionInputFailures(news.connection);
  for (const [k, what] of [['source', 'the package to publish: a directory, .ovf, .ova or http(s) URL'], ['library', 'the content library name or id'], ['item', 'the item name']] as const) {
    const v = news[k];
    if (!isUnknown(v) && (typeof v !== 'string' || v === '')) f.push({ property: k, reason: `${k} is required: ${what}` });
  }
  if (typeof news.source === 'string' && isLibrarySource(news.source)) f.push({ property: 'source', reason: 'source is the package to publish (a path or URL), not a library item' });
  if (news.pull !== undefined && !isUnknown(news.pull) && typeof news.pull !== 'boolean') f.push({ property: 'pull', reason: 'pull must be true or false' });
  return f;
}

/**
 * The OvfLibraryItem provider operations over a backend.
 * @example
 * const impl = createOvfLibraryItemProvider(defaultBackend);
 * await impl.check({}, { source: './web.ova', library: 'templates', item: 'web' });
 */
export function createOvfLibraryItemProvider(getBackend: () => Backend): ProviderImpl<OvfLibraryItemWireInputs, OvfLibraryItemWireOutputs> {
  const session = <T>(what: string, c: ConnectionInput | undefined, f: (s: LibrarySession) => Promise<T>): Promise<T> => withLibrary(getBackend(), what, connectionFor(c), f);
  return {
    async check(_olds, news) {
      const failures = shapeFailures(news);
      const inputs: OvfLibraryItemWireInputs = { ...news };
      if (inputs.pull === undefined) inputs.pull = false;
      if (isUnknown(news.source)) {
        inputs.contentDigest = UNKNOWN;
        inputs.descriptorDigest = UNKNOWN;
      } else if (!failures.some((x) => x.property === 'source')) {
        try {
          const c = await libraryBackend(getBackend()).libraryContent(news.source);
          inputs.contentDigest = c.contentDigest;
          inputs.descriptorDigest = c.descriptorDigest;
        } catch (e) {
          failures.push({ property: 'source', reason: `cannot read the package: ${(e as Error).message}` });
        }
      }
      return { inputs, failures };
    },

    async diff(_id, olds, news) {
      const replaces: string[] = LIBRARY_ITEM_REPLACE_KEYS.filter((k) => isUnknown(news[k]) || news[k] !== olds[k]);
      // New content (or an item changed behind Pulumi's back, as read() reports it) is a new publish.
      if (isUnknown(news.contentDigest) || news.contentDigest !== olds.contentDigest) replaces.push('source');
      const server = (c: ConnectionInput | undefined): string | undefined => (isUnknown(c) ? UNKNOWN : c?.server);
      if (server(news.connection) !== server(olds.connection)) replaces.push('connection');
      const changed = JSON.stringify(news.connection ?? null) !== JSON.stringify(olds.connection ?? null) || (news.description ?? null) !== (olds.description ?? null);
      // The same name in the same library: the old item goes first (vCenter refuses a second one of that name).
      const sameItem = !replaces.includes('library') && !replaces.includes('item') && !replaces.includes('connection');
      return { changes: replaces.length > 0 || changed, replaces, deleteBeforeReplace: replaces.length > 0 && sameItem };
    },

    async create(inputs) {
      return session('publishing an OvfLibraryItem', inputs.connection, async (s) => {
        const r = await s.publish(inputs.source, { library: inputs.library, item: inputs.item, ...(inputs.description !== undefined ? { description: inputs.description } : {}), ...(inputs.pull ? { pull: true } : {}) });
        return { id: r.itemId, outs: { ...inputs, libraryId: r.libraryId, itemId: r.itemId, contentVersion: r.contentVersion, contentDigest: r.contentDigest, files: r.files, librarySource: `library:${r.itemId}` } };
      });
    },

    async read(id, props) {
      return session('refreshing an OvfLibraryItem', props.connection, async (s) => {
        const now = await s.readItem(id);
        if (!now) return { id: '', props }; // gone: the engine drops it from state
        return { id, props: { ...props, libraryId: now.libraryId, item: now.name, contentVersion: now.contentVersion, contentDigest: now.contentDigest, files: now.files } };
      });
    },

    async update(_id, olds, news) {
      // Only the connection's credentials or the description changed (a content change replaces).
      return { outs: { ...olds, ...(news.connection !== undefined ? { connection: news.connection } : {}), ...(news.description !== undefined ? { description: news.description } : {}) } };
    },

    async delete(id, props) {
      await session('deleting an OvfLibraryItem', props.connection, (s) => s.deleteItem(id));
    },
  };
}
