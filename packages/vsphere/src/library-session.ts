/**
 * A vim25 session with its REST session beside it, for the IaC providers' library resources:
 * publish a package into an item, read or delete the item, plan an item as a package source and
 * deploy it. Each call is one of library.ts / library-source.ts / library-deploy.ts; this class
 * only holds the two sessions and adapts the providers' request shape.
 */
import type { Vocabulary } from '@ovfkit/core';
import { openSource, type PackageSource } from '@ovfkit/package';
import { deployLibraryItem, type LibraryDeployResult } from './library-deploy';
import { RestClient, isRestError } from './library-rest';
import { itemFiles, libraryContentOfItem, publishToLibrary, type LibraryContentFile, type LibraryItemInfo, type PublishResult } from './library';
import { librarySource } from './library-source';
import { OvfSession, type OvfImportSpecRequest } from './ovf-session';
import { VimSession, type ConnectOptions } from './session';

/** An item as it is now: its record, its files and their content digest. */
export interface LibraryItemState {
  item: LibraryItemInfo;
  files: LibraryContentFile[];
  contentDigest: string;
}

/** What {@link OvfLibrarySession.deploy} deploys: the import's request, in the providers' words, from an item. */
export interface LibraryDeployRequest extends OvfImportSpecRequest {
  itemId: string;
  acceptAllEulas: boolean;
  annotation?: string;
}

/** An {@link OvfSession} with a REST session: the library half of the IaC providers' port. */
export class OvfLibrarySession extends OvfSession {
  constructor(session: VimSession, readonly rest: RestClient) {
    super(session);
  }

  /** Publishes the package at `source` (path or URL) into `item` of `library` (see {@link publishToLibrary}); identical content is a no-op. */
  async publish(source: string, options: { library: string; item: string; description?: string; pull?: boolean; vocabulary?: Vocabulary }): Promise<PublishResult> {
    const src = await openSource(source, {});
    try {
      return await publishToLibrary(this.rest, { source: src, ...options });
    } finally {
      await src.close();
    }
  }

  /** The item with that id, or undefined when it no longer exists. */
  async readItem(itemId: string): Promise<LibraryItemState | undefined> {
    let item: LibraryItemInfo;
    try {
      item = await this.rest.call<LibraryItemInfo>({ method: 'GET', path: ['content', 'library', 'item', itemId] });
    } catch (e) {
      if (isRestError(e, 'NOT_FOUND')) return undefined;
      throw e;
    }
    return { item, ...libraryContentOfItem(await itemFiles(this.rest, itemId)) };
  }

  /** Deletes the item; an item already gone is no error. */
  async deleteItem(itemId: string): Promise<void> {
    await this.rest.call({ method: 'DELETE', path: ['content', 'library', 'item', itemId] }).catch((e: unknown) => {
      if (!isRestError(e, 'NOT_FOUND')) throw e;
    });
  }

  /** The item `library:LIB/ITEM` (or `library:<id>`) as a package source, planned like any other. */
  source(arg: string): Promise<PackageSource & { itemId: string; libraryId: string }> {
    return librarySource(this.rest, arg);
  }

  /** Deploys the item with the import's placement, networks, properties (full ids), deployment option and EULA acceptance. */
  deploy(request: LibraryDeployRequest): Promise<LibraryDeployResult> {
    return deployLibraryItem(this.rest, this.session, {
      ...this.placementInput(request.placement),
      itemId: request.itemId,
      name: request.entityName ?? '',
      networkMapping: request.networkMapping,
      propertyMapping: Object.fromEntries(request.propertyMapping.map((kv) => [kv.key, kv.value])),
      ...(request.deploymentOption ? { deploymentOption: request.deploymentOption } : {}),
      ...(request.diskProvisioning ? { diskProvisioning: request.diskProvisioning } : {}),
      acceptAllEulas: request.acceptAllEulas,
      ...(request.annotation !== undefined ? { annotation: request.annotation } : {}),
    });
  }

  override async logout(): Promise<void> {
    await this.rest.close();
    await super.logout();
  }
}

/** Connects, logs in and opens the REST session with the same credentials over the same verified connection. */
export async function connectLibrarySession(options: ConnectOptions): Promise<OvfLibrarySession> {
  const vim = await VimSession.connect(options);
  try {
    return new OvfLibrarySession(vim, await RestClient.open(vim, { userName: options.userName, password: options.password }));
  } catch (e) {
    await vim.logout().catch(() => undefined);
    throw e;
  }
}
