/**
 * @ovfkit/terraform: `terraform-provider-ovfkit`, a Terraform / OpenTofu provider speaking plugin
 * protocol 6, whose plan-time checks are ovfkit's plan.
 */
export { createProvider, type ProviderOptions } from './provider/provider';
export { servePlugin, handshakeLine, checkHostEnvironment, loadServices, HandshakeError, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PROTOCOL_VERSION, type RunningPlugin } from './protocol/server';
export { decodeDynamicValue, encodeDynamicValue, Unknown, UNKNOWN, isUnknown, containsUnknown, type TfType, type TfValue, type DynamicValue } from './protocol/values';
export { generatePluginCertificate, type PluginCertificate } from './protocol/tls';
export { RESOURCE_SCHEMAS, DATA_SOURCE_SCHEMAS, PROVIDER_SCHEMA } from './provider/schema';
export { runPlugin } from './main';
export { installProvider, terraformPlatform, PROVIDER_VERSION, type InstallOptions, type InstallResult } from './install';
