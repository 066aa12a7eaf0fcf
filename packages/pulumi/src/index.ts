/**
 * @ovfkit/pulumi — OVF/OVA import and export on vSphere as Pulumi resources, checked at preview.
 * @packageDocumentation
 */
export { OvfImport, OvfExport, type OvfImportArgs, type OvfExportArgs, type OvfConnectionArgs } from './resources';
export { getOvfDescriptor, getOvfDescriptorOutput, validateOvf, type GetOvfDescriptorOptions, type GetOvfDescriptorResult, type ValidateOvfResult } from './functions';
export { ovfImportProvider, ovfExportProvider } from './providers';
export { CONFIG_KEYS, CONNECTION_INPUTS, ENV_KEYS, VSPHERE_CONFIG_KEYS, resolveConnection, SecretString, type ConnectionInput, type ConnectionSettings } from './connection';
export { IMPORT_REPLACE_KEYS, IMPORT_UPDATE_KEYS, createOvfImportProvider, type CheckFailure } from './import-provider';
export { EXPORT_INPUTS, EXPORT_OLD_NAMES, EXPORT_REPLACE_KEYS, createOvfExportProvider, type OvfExportWireInputs, type OvfExportWireOutputs } from './export-provider';
export { IMPORT_INPUTS, UNKNOWN, type OvfImportWireInputs, type OvfImportWireOutputs, type OvfImportVmOutput } from './inputs';
export type * from './backend';
export { defaultBackend } from './bind';
export { OvfLibraryItem, ovfLibraryItemProvider, type OvfLibraryItemArgs } from './library-resource';
export { LIBRARY_ITEM_REPLACE_KEYS, createOvfLibraryItemProvider, type OvfLibraryItemWireInputs, type OvfLibraryItemWireOutputs } from './library-provider';
