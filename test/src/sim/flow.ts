/**
 * Raw SOAP steps of the OVF import/export flow, for the simulator's own tests (no ovfkit client).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { RawSession, allElements, allText, faultType, firstText, moref, rawRequest, xmlEscape, type RawResponse } from './raw-soap';
import type { Simulator } from './simulator';

/** The example single-VM descriptor. */
export const minimalOvf = fs.readFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'), 'utf8');
/** A vApp of two VMs (fixtures/two-tier-vapp.ovf). */
export const vappOvf = fs.readFileSync(path.join(repoRoot, 'test', 'src', 'sim', 'fixtures', 'two-tier-vapp.ovf'), 'utf8');

/** One HttpNfcLeaseDeviceUrl, as read from the lease's `info`. */
export interface DeviceUrl {
  key: string;
  importKey: string;
  url: string;
  sslThumbprint: string;
  disk: boolean;
  targetId: string;
}

/** Inventory places of the vcsim vCenter model. */
export interface Places {
  pool: string;
  datastore: string;
  folder: string;
  host: string;
}

export async function places(s: RawSession): Promise<Places> {
  const get = async (p: string): Promise<string> => {
    const v = await s.findByInventoryPath(p);
    if (v === undefined) throw new Error(`no inventory object at ${p}`);
    return v;
  };
  return {
    pool: await get('/DC0/host/DC0_C0/Resources'),
    datastore: await get('/DC0/datastore/LocalDS_0'),
    folder: await get('/DC0/vm'),
    host: await get('/DC0/host/DC0_C0/DC0_C0_H0'),
  };
}

/** A logged-in raw session on the simulator, and the places of its default inventory. */
export async function login(sim: Simulator): Promise<{ s: RawSession; p: Places }> {
  const s = new RawSession(sim);
  await s.login();
  return { s, p: await places(s) };
}

/** Destroys every vApp, then every VM left, so the next test starts from an empty inventory. */
export async function destroyAll(sim: Simulator, s: RawSession): Promise<void> {
  for (const a of (await sim.state()).virtualApps) await s.call('Destroy_Task', 'VirtualApp', a.ref);
  for (const vm of (await sim.state()).virtualMachines) await s.call('Destroy_Task', 'VirtualMachine', vm.ref);
}

export function createImportSpec(s: RawSession, p: Places, ovf: string, entityName = '', deploymentOption = ''): Promise<RawResponse> {
  return s.call(
    'CreateImportSpec',
    'OvfManager',
    s.ovfManager,
    `<ovfDescriptor>${xmlEscape(ovf)}</ovfDescriptor>${moref('resourcePool', 'ResourcePool', p.pool)}${moref('datastore', 'Datastore', p.datastore)}` +
      `<cisp><locale></locale><deploymentOption>${xmlEscape(deploymentOption)}</deploymentOption><entityName>${xmlEscape(entityName)}</entityName></cisp>`,
  );
}

/** The `<importSpec>` of a CreateImportSpec answer, renamed to the `<spec>` parameter of ImportVApp. */
export function specParam(createImportSpecBody: string): string {
  const el = allElements(createImportSpecBody, 'importSpec')[0];
  if (el === undefined) throw new Error(`no importSpec in ${createImportSpecBody.slice(0, 500)}`);
  return el.replace(/^<importSpec\b/, '<spec').replace(/<\/importSpec>$/, '</spec>');
}

/** ImportVApp on the pool (with the VM folder); returns the lease MoRef value. */
export async function importVApp(s: RawSession, p: Places, spec: string, withFolder = true): Promise<string> {
  const body = await s.ok('ImportVApp', 'ResourcePool', p.pool, spec + (withFolder ? moref('folder', 'Folder', p.folder) : ''));
  const lease = firstText(body, 'returnval');
  if (lease === undefined) throw new Error('ImportVApp returned no lease');
  return lease;
}

/** Imports a descriptor up to a ready (or failed) lease. */
export async function startImport(s: RawSession, p: Places, ovf: string, name = ''): Promise<{ lease: string; fileItems: string[] }> {
  const cis = await createImportSpec(s, p, ovf, name);
  if (cis.status !== 200) throw new Error(`CreateImportSpec: ${faultType(cis.body) ?? 'no fault'}: ${firstText(cis.body, 'faultstring') ?? cis.body.slice(0, 300)}`);
  const lease = await importVApp(s, p, specParam(cis.body));
  return { lease, fileItems: allText(cis.body, 'deviceId') };
}

export async function leaseState(s: RawSession, lease: string): Promise<string | undefined> {
  return firstText((await s.property('HttpNfcLease', lease, 'state')) ?? '', 'val');
}

export async function leaseDeviceUrls(s: RawSession, lease: string): Promise<DeviceUrl[]> {
  const info = (await s.property('HttpNfcLease', lease, 'info')) ?? '';
  return allElements(info, 'deviceUrl').map((d) => ({
    key: firstText(d, 'key') ?? '',
    importKey: firstText(d, 'importKey') ?? '',
    url: firstText(d, 'url') ?? '',
    sslThumbprint: firstText(d, 'sslThumbprint') ?? '',
    disk: firstText(d, 'disk') === 'true',
    targetId: firstText(d, 'targetId') ?? '',
  }));
}

export function leaseCall(s: RawSession, method: string, lease: string, params = ''): Promise<RawResponse> {
  return s.call(method, 'HttpNfcLease', lease, params);
}

/** POSTs a disk the way govc/ovftool do: streamOptimized VMDK on the streamVmdk endpoint. */
export function uploadDisk(s: RawSession, url: string, bytes: Buffer): Promise<RawResponse> {
  return rawRequest(s.sim, 'POST', url, bytes, { 'content-type': 'application/x-vnd.vmware-streamVmdk' });
}

/** Waits for a predicate on the simulator's state (lease timers run in the background). */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { faultType };
