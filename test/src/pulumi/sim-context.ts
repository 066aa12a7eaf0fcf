import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { ovfExportProvider, ovfImportProvider, ovfLibraryItemProvider } from '@ovfkit/pulumi';

import { startSimulator, type Simulator } from '../sim/simulator';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';

import { startPluginHost, wireSecret, type PluginHost } from './plugin-host';

/** What a Pulumi-against-the-simulator suite shares: filled by the hooks {@link useSimulatorPluginHost} registers. */
export interface SimulatorPluginHost {
  sim: Simulator;
  host: PluginHost;
  tmp: string;
  /** A one-VM OVA ("tiny": 1 vCPU, 256 MB, a 2 MiB disk, one NIC on "VM Network"). */
  pkg: BuiltPackage;
  /** The serialized OvfImport provider, as the engine passes it in `__provider`. */
  provider: string;
  /** The serialized OvfExport provider. */
  exportProvider: string;
  /** The serialized OvfLibraryItem provider. */
  libraryProvider: string;
}

/**
 * Registers before/after hooks in the calling `describe`: a simulator, Pulumi's plugin host
 * configured for it the way the engine sends a `--secret` password, the serialized providers and
 * the "tiny" OVA. Everything is stopped and removed afterwards.
 */
export function useSimulatorPluginHost(tmpPrefix: string): SimulatorPluginHost {
  const ctx = {} as SimulatorPluginHost;
  before(async () => {
    ctx.tmp = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    ctx.pkg = await buildOva(path.join(ctx.tmp, 'pkg'), 'tiny', [{ id: 'tiny01', cpus: 1, memoryMB: 256, disksMiB: [2], nics: ['VM Network'] }]);
    ctx.sim = await startSimulator();
    ctx.provider = (await pulumi.runtime.serializeFunction(() => ovfImportProvider, { allowSecrets: true })).text;
    ctx.exportProvider = (await pulumi.runtime.serializeFunction(() => ovfExportProvider, { allowSecrets: true })).text;
    ctx.libraryProvider = (await pulumi.runtime.serializeFunction(() => ovfLibraryItemProvider, { allowSecrets: true })).text;
    ctx.host = await startPluginHost();
    // The engine sends a `--secret` config value wrapped as a secret; the host unwraps it.
    await ctx.host.configure({
      'ovfkit:server': ctx.sim.url, 'ovfkit:user': ctx.sim.username, 'ovfkit:password': wireSecret(ctx.sim.password), 'ovfkit:thumbprint': ctx.sim.thumbprint,
    });
  });
  after(async () => {
    await ctx.host?.stop();
    await ctx.sim?.stop();
    if (ctx.tmp) fs.rmSync(ctx.tmp, { recursive: true, force: true });
  });
  return ctx;
}
