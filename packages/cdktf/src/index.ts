/**
 * `@ovfkit/cdktf`: CDK for Terraform constructs for OVF/OVA import and export on vSphere,
 * checked at synth by ovfkit's local OvfManager and applied by Terraform's built-in
 * `terraform_data` with `ovfkit` provisioners, or (`backend: 'provider'`) by
 * terraform-provider-ovfkit through the bindings generated from its schema (`@ovfkit/cdktf/provider`). The constructs are thin: every OVF rule lives in
 * `@ovfkit/core`.
 */
export { OvfDescriptor, type OvfDescriptorProps, type OvfDeploymentSizes, fullPropertyId } from './descriptor';
export {
  OvfImport,
  OVF_IMPORT_PROPS,
  type OvfImportProps,
  type OvfPropertyFromEnv,
  type OvfDiskProvisioning,
  fromEnv,
} from './import';
export { OvfkitProvider, OvfkitImportResource, OvfkitExportResource, type OvfBackend } from './provider-backend';
export { OvfExport, OVF_EXPORT_OLD_PROPS, OVF_EXPORT_PROPS, type OvfExportProps, type OvfManifestAlgorithm } from './export';
export { OvfLibraryItem, type OvfLibraryItemProps } from './library';
export type {
  OvfIssue,
  OvfNetworkInfo,
  OvfDeploymentOption,
  VAppPropertyInfo,
  VirtualMachineHardware,
  DiskSummary,
  NicSummary,
  VmSummary,
  OvfImportRequest,
  OvfImportPlan,
  OvfPlacement,
} from './core-port';
export { formatIssue } from './core-port';
export { OvfTesting, type OvfConstructMessage } from './testing';
