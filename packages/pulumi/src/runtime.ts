/**
 * The provider as it runs inside Pulumi's dynamic-provider host. The serialized providers
 * (see providers.ts) `require()` this module when the engine calls them, so the implementation
 * and its dependencies are loaded from the installed @ovfkit packages, not copied into state.
 *
 * Internal: the shape of this module may change in any release; use the exports of
 * `@ovfkit/pulumi` instead.
 * @internal
 */
import { defaultBackend } from './bind';
import { setProviderConfig, type ConfigReader } from './connection';
import { createOvfExportProvider } from './export-provider';
import { createOvfImportProvider } from './import-provider';

/** Keeps the engine's configuration (`ovfkit:*` keys) for this provider process. */
export function configure(config: ConfigReader | undefined): void {
  setProviderConfig(config);
}

export const ovfImport = createOvfImportProvider(defaultBackend);
export const ovfExport = createOvfExportProvider(defaultBackend);
