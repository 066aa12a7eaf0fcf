/**
 * @ovfkit/vsphere — the vSphere backend: a typed vim25 SOAP client, inventory paths, the remote
 * OvfManager, and the import and export engines over HttpNfcLease.
 */
export { VimClient, VIM_VERSION, httpsTransport, defineCommand, serializeCall, deserializeReturn } from './soap/client';
export type { Transport, HttpRequest, HttpResponse, Middleware, Handler, SoapCall, SoapResult, VimCommand, Logger, VimClientOptions } from './soap/client';
export type { ManagedObjectReference, DataObject, RawXml } from './soap/codec';
export { VimFault, isVimFault, faultAncestry } from './soap/fault';
export * as methods from './soap/methods';
export { createAgent, normalizeThumbprint, type TlsTrust } from './tls';
export { VimSession, type ConnectOptions } from './session';
export { Inventory, type InventoryObject } from './inventory';
export { PlacementError, liveInventory, placementOf, resolvePlacement, type Placement, type PlacementInput } from './placement';
export { withLease, type LeaseHandle, type LeaseOptions } from './lease';
export { importOvf, ImportSpecError, PlanRefusedError, type ImportOvfOptions, type ImportOvfResult, type TransferProgress } from './import';
export { destroyEntity } from './destroy';
export { injectOvfEnv, importSpecVms, descriptorVms, vmConfigProperties, environmentSource, OVF_ENV_EXTRA_CONFIG_KEY, type ImportSpecVm, type DescriptorVm, type OvfEnvSource } from './ovf-env';
export { openPackage, type PackageSource } from './source';
export { OvaWriter, tarHeader } from './ova';
export { ServerManifest, type ServerManifestCheck } from './lease-manifest';
export { exportOvf, CreateDescriptorError, type ExportOvfOptions, type ExportOvfResult, type ManifestAlgorithm } from './export';
export { DEFAULT_PARALLEL_DISKS, MAX_PARALLEL_DISKS, parallelDisksOf } from './parallel';
export { parseChunkSize, withChunkSize, MAX_CHUNKS } from './export-chunks';
export { VimOvfManager, toIssue, type RemoteCreateImportSpecResult } from './ovf-manager';
export { captureHostProfile, captureInventory, captureLibraries, closestBuiltinProfile, hostProfileFromEnvironment, readHostEnvironment, type HostConfigOption, type HostEnvironment } from './capture';
export { OvfSession, connectOvfSession, type OvfImportRequest, type OvfImportSpecRequest, type OvfExportRequest, type OvfEntityState, type OvfVmState, type OvfPlacement, type OvfSessionOptions } from './ovf-session';
export { RestClient, RestError, isRestError, restPath, REST_SESSION_HEADER, type RestForm, type RestOperation, type RestOpenOptions } from './library-rest';
export { createLocalLibrary, findLibrary, findItem, itemFiles, libraryContent, libraryContentOfItem, libraryContentDigest, publishToLibrary, readItemDescriptor, readItemFile, type LibraryContentFile, type LibraryInfo, type LibraryItemInfo, type LibraryItemFile, type PublishOptions, type PublishResult } from './library';
export { librarySource } from './library-source';
export { isLibrarySource, LIBRARY_SOURCE_PREFIX } from '@ovfkit/package';
export { deployLibraryItem, filterLibraryItem, importLibraryItem, planLibraryItem, ovfMessageIssue, LibraryDeployError, type LibraryDeployOptions, type LibraryDeployResult, type LibraryImportOptions, type LibraryImportResult, type LiveLibraryPlan } from './library-deploy';
export { exportToLibrary, LibraryExportError, type LibraryExportOptions, type LibraryExportResult } from './library-export';
export { connectLibrarySession, OvfLibrarySession, type LibraryDeployRequest, type LibraryItemState } from './library-session';
