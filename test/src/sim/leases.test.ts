import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import {
  createImportSpec,
  destroyAll,
  eventually,
  importVApp,
  leaseCall,
  leaseDeviceUrls,
  leaseState,
  login,
  minimalOvf,
  specParam,
  startImport,
  uploadDisk,
  vappOvf,
  type Places,
} from './flow';
import { RawSession, allElements, allText, faultType, firstText, moref, rawRequest, xmlEscape } from './raw-soap';
import { useSimulator } from './simulator';
import { emptyStreamOptimizedVmdk } from './vmdk';

const sha1 = (b: Buffer): string => crypto.createHash('sha1').update(b).digest('hex');

describe('simulator import and export leases', () => {
  const sim = useSimulator();
  let s: RawSession;
  let p: Places;
  before(async () => {
    ({ s, p } = await login(sim()));
  });

  /** Removes every VM and vApp so each test starts from an empty inventory. */
  afterEach(async () => {
    await destroyAll(sim(), s);
  });

  async function findVm(name: string): Promise<string> {
    const vm = (await sim().state()).virtualMachines.find((v) => v.name === name);
    assert.ok(vm, `no VM named ${name}`);
    return vm.ref;
  }

  it('imports a VM: a ready lease whose device URL matches the fileItem, takes a streamOptimized POST, and completes', async () => {
    const { lease, fileItems } = await startImport(s, p, minimalOvf, 'web01');
    assert.equal(await leaseState(s, lease), 'ready');
    const urls = await leaseDeviceUrls(s, lease);
    assert.equal(urls.length, 1);
    const du = urls[0]!;
    assert.deepEqual(fileItems, [du.importKey]);
    assert.match(du.url, /^https:\/\/\*\/nfc\/[0-9a-f]+\/disk-0\.vmdk$/);
    assert.equal(du.sslThumbprint, sim().thumbprintSha1);
    assert.equal(du.disk, true);

    const disk = emptyStreamOptimizedVmdk(2 ** 30, 'web01');
    assert.equal((await uploadDisk(s, du.url, disk)).status, 200);
    assert.equal((await leaseCall(s, 'HttpNfcLeaseProgress', lease, '<percent>100</percent>')).status, 200);
    const manifest = await leaseCall(s, 'HttpNfcLeaseGetManifest', lease);
    assert.equal(firstText(manifest.body, 'sha1'), sha1(disk));
    assert.equal(firstText(manifest.body, 'size'), String(disk.length));
    assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).status, 200);

    const vm = await findVm('web01');
    assert.equal(firstText((await s.property('VirtualMachine', vm, 'config.hardware.numCPU')) ?? '', 'val'), '1');
    assert.equal(firstText((await s.property('VirtualMachine', vm, 'config.hardware.memoryMB')) ?? '', 'val'), '1024');
    const st = await sim().state();
    assert.deepEqual(st.leases.find((l) => l.ref === lease)?.state, 'done');
    assert.equal(faultType((await leaseCall(s, 'HttpNfcLeaseProgress', lease, '<percent>1</percent>')).body), 'ManagedObjectNotFound');
  });

  it('reports a SHA-256 manifest checksum when asked for before the upload', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'sha256');
    const [du] = await leaseDeviceUrls(s, lease);
    const set = await leaseCall(s, 'HttpNfcLeaseSetManifestChecksumType', lease, `<deviceUrlsToChecksumTypes><key>${du!.key}</key><value>sha256</value></deviceUrlsToChecksumTypes>`);
    assert.equal(set.status, 200);
    const disk = emptyStreamOptimizedVmdk(2 ** 30, 'sha256');
    await uploadDisk(s, du!.url, disk);
    const manifest = await leaseCall(s, 'HttpNfcLeaseGetManifest', lease);
    assert.equal(firstText(manifest.body, 'checksumType'), 'sha256');
    assert.equal(firstText(manifest.body, 'checksum'), crypto.createHash('sha256').update(disk).digest('hex'));
    assert.equal(firstText(manifest.body, 'sha1'), sha1(disk));
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
  });

  it('refuses a disk POST that is not a streamOptimized VMDK', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'flat');
    const du = (await leaseDeviceUrls(s, lease))[0]!;
    const res = await uploadDisk(s, du.url, Buffer.alloc(4096, 7));
    assert.equal(res.status, 400);
    assert.match(res.body, /streamOptimized/);
    await leaseCall(s, 'HttpNfcLeaseAbort', lease);
  });

  it('aborting an import lease removes the VM it created, as vCenter does', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'aborted');
    await findVm('aborted');
    assert.equal((await leaseCall(s, 'HttpNfcLeaseAbort', lease)).status, 200);
    const st = await sim().state();
    assert.deepEqual(st.virtualMachines, []);
    assert.equal(st.leases.find((l) => l.ref === lease)?.state, 'error');
  });

  it('refuses to destroy or power on a VM while its import lease is open (abort first, as on vSphere)', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'held');
    const vm = await findVm('held');
    for (const method of ['Destroy_Task', 'PowerOnVM_Task']) {
      const res = await s.call(method, 'VirtualMachine', vm);
      assert.equal(faultType(res.body), 'InvalidState', method);
      assert.match(firstText(res.body, 'faultstring') ?? '', /covered by the open lease/);
    }
    await leaseCall(s, 'HttpNfcLeaseAbort', lease);
    assert.deepEqual((await sim().state()).virtualMachines, []);
  });

  it('imports a multi-VM vApp from a VirtualAppImportSpec, one device URL per disk', async () => {
    const { lease, fileItems } = await startImport(s, p, vappOvf, 'shop');
    const urls = await leaseDeviceUrls(s, lease);
    assert.deepEqual(urls.map((u) => u.importKey).sort(), [...fileItems].sort());
    assert.equal(new Set(urls.map((u) => u.url)).size, 2);
    for (const u of urls) assert.equal((await uploadDisk(s, u.url, emptyStreamOptimizedVmdk(2 ** 30, u.importKey))).status, 200);
    assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).status, 200);
    const st = await sim().state();
    assert.deepEqual(st.virtualApps.map((a) => a.name), ['shop']);
    const app = st.virtualApps[0]!;
    assert.deepEqual(st.virtualMachines.filter((v) => v.parent === app.ref).map((v) => v.name).sort(), ['db', 'web']);
  });

  it('imports a vApp nested in a vApp, and destroying the outer vApp removes all of it', async () => {
    const cis = await createImportSpec(s, p, vappOvf, 'inner');
    const inner = allElements(cis.body, 'importSpec')[0]!;
    const pool = allElements(inner, 'resourcePoolSpec')[0]!;
    const spec =
      '<spec xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="VirtualAppImportSpec">' +
      `<name>outer</name><vAppConfigSpec></vAppConfigSpec>${pool}` +
      inner.replace(/^<importSpec\b/, '<child').replace(/<\/importSpec>$/, '</child>') +
      '</spec>';
    const lease = await importVApp(s, p, spec);
    const st = await sim().state();
    const outer = st.virtualApps.find((a) => a.name === 'outer')!;
    const nested = st.virtualApps.find((a) => a.name === 'inner')!;
    assert.equal(nested.parent, outer.ref);
    assert.deepEqual(st.virtualMachines.filter((v) => v.parent === nested.ref).map((v) => v.name).sort(), ['db', 'web']);
    assert.equal((await leaseDeviceUrls(s, lease)).length, 2);
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const task = firstText(await s.ok('Destroy_Task', 'VirtualApp', outer.ref), 'returnval')!;
    assert.equal(firstText((await s.property('Task', task, 'info.state')) ?? '', 'val'), 'success');
    const after = await sim().state();
    assert.deepEqual([after.virtualApps, after.virtualMachines], [[], []]);
  });

  it('destroying a vApp destroys its VMs too (vcsim 0.24.2 would leave them in the parent pool)', async () => {
    const { lease } = await startImport(s, p, vappOvf, 'gone');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const app = (await sim().state()).virtualApps[0]!;
    const res = await s.ok('Destroy_Task', 'VirtualApp', app.ref);
    const task = firstText(res, 'returnval')!;
    assert.equal(firstText((await s.property('Task', task, 'info.state')) ?? '', 'val'), 'success');
    const st = await sim().state();
    assert.deepEqual(st, { virtualMachines: [], virtualApps: [], leases: st.leases, nfc: st.nfc, received: st.received });
  });

  it('exports an imported VM: the download lease serves the uploaded bytes, and CreateDescriptor references them', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'roundtrip');
    const disk = emptyStreamOptimizedVmdk(2 ** 30, 'roundtrip-disk');
    await uploadDisk(s, (await leaseDeviceUrls(s, lease))[0]!.url, disk);
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const vm = await findVm('roundtrip');

    const dry = await s.ok('CreateDescriptor', 'OvfManager', s.ovfManager, `${moref('obj', 'VirtualMachine', vm)}<cdp><name>roundtrip</name></cdp>`);
    assert.match(firstText(dry, 'ovfDescriptor') ?? '', /<Disk ovf:diskId="vmdisk1" ovf:capacity="1073741824"/);

    const exportLease = firstText(await s.ok('ExportVm', 'VirtualMachine', vm), 'returnval')!;
    assert.equal(await leaseState(s, exportLease), 'ready');
    const [du] = await leaseDeviceUrls(s, exportLease);
    assert.ok(du);
    assert.match(du.key, new RegExp(`^/${vm}/disk:0$`));
    const got = await rawRequest(sim(), 'GET', du.url);
    assert.equal(got.status, 200);
    assert.equal(sha1(Buffer.from(got.body, 'latin1')), sha1(disk));
    assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', exportLease)).status, 200);

    const cd = await s.ok('CreateDescriptor', 'OvfManager', s.ovfManager,
      `${moref('obj', 'VirtualMachine', vm)}<cdp><ovfFiles><deviceId>${du.key}</deviceId><path>roundtrip-disk1.vmdk</path><size>${disk.length}</size></ovfFiles><name>roundtrip</name></cdp>`);
    const ovf = firstText(cd, 'ovfDescriptor')!;
    assert.match(ovf, new RegExp(`<File ovf:id="file1" ovf:href="roundtrip-disk1.vmdk" ovf:size="${disk.length}"/>`));
    assert.match(ovf, /ovf:fileRef="file1"/);
    assert.equal(allElements(cd, 'warning').length, 0);
    // The descriptor is good enough for the simulator's own ParseDescriptor and CreateImportSpec.
    const parsed = await s.ok('ParseDescriptor', 'OvfManager', s.ovfManager, `<ovfDescriptor>${xmlEscape(ovf)}</ovfDescriptor><pdp></pdp>`);
    assert.equal(allElements(parsed, 'error').length, 0);
    assert.equal(firstText(parsed, 'approximateDownloadSize'), String(disk.length));
    const again = await createImportSpec(s, p, ovf, 'copy');
    assert.deepEqual(allText(again.body, 'deviceId'), ['/copy/disk:0']);
    assert.match(again.body, /<numCPUs>1<\/numCPUs>/);
    assert.match(again.body, /<memoryMB>1024<\/memoryMB>/);
  });

  it('writes EFI firmware into CreateDescriptor as vmw:Config, and nothing for BIOS', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'uefi');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const vm = await findVm('uefi');
    const describe = async (): Promise<string> =>
      firstText(await s.ok('CreateDescriptor', 'OvfManager', s.ovfManager, `${moref('obj', 'VirtualMachine', vm)}<cdp></cdp>`), 'ovfDescriptor')!;
    assert.doesNotMatch(await describe(), /vmw:key="firmware"/);
    const task = firstText(await s.ok('ReconfigVM_Task', 'VirtualMachine', vm, '<spec><firmware>efi</firmware></spec>'), 'returnval')!;
    await eventually(async () => firstText((await s.property('Task', task, 'info.state')) ?? '', 'val'), (v) => v === 'success');
    assert.match(await describe(), /<vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"\/>/);
  });

  it('exports a disk nobody uploaded as a generated streamOptimized VMDK of the disk capacity', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'blank');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const exportLease = firstText(await s.ok('ExportVm', 'VirtualMachine', await findVm('blank')), 'returnval')!;
    const got = await rawRequest(sim(), 'GET', (await leaseDeviceUrls(s, exportLease))[0]!.url);
    const bytes = Buffer.from(got.body, 'latin1');
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'KDMV');
    assert.equal(bytes.readBigUInt64LE(12), BigInt(2 ** 30 / 512));
    await leaseCall(s, 'HttpNfcLeaseComplete', exportLease);
  });

  it('refuses to export a powered-on VM with InvalidPowerState', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'running');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const vm = await findVm('running');
    const task = firstText(await s.ok('PowerOnVM_Task', 'VirtualMachine', vm), 'returnval')!;
    await eventually(async () => firstText((await s.property('Task', task, 'info.state')) ?? '', 'val'), (v) => v === 'success');
    const res = await s.call('ExportVm', 'VirtualMachine', vm);
    assert.equal(faultType(res.body), 'InvalidPowerState');
    await s.ok('PowerOffVM_Task', 'VirtualMachine', vm);
  });

  it('exports a vApp: every VM disk in one lease, and CreateDescriptor writes a VirtualSystemCollection', async () => {
    const { lease } = await startImport(s, p, vappOvf, 'pair');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const app = (await sim().state()).virtualApps[0]!;
    const exportLease = firstText(await s.ok('ExportVApp', 'VirtualApp', app.ref), 'returnval')!;
    const urls = await leaseDeviceUrls(s, exportLease);
    assert.equal(urls.length, 2);
    await leaseCall(s, 'HttpNfcLeaseComplete', exportLease);
    const cd = await s.ok('CreateDescriptor', 'OvfManager', s.ovfManager, `${moref('obj', 'VirtualApp', app.ref)}<cdp></cdp>`);
    const ovf = firstText(cd, 'ovfDescriptor')!;
    assert.match(ovf, /<VirtualSystemCollection ovf:id="pair">/);
    assert.equal((ovf.match(/<VirtualSystem ovf:id=/g) ?? []).length, 2);
  });

  it('rejects HttpNfcLeaseProgress outside 0..100 with InvalidArgument', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'pct');
    assert.equal(faultType((await leaseCall(s, 'HttpNfcLeaseProgress', lease, '<percent>101</percent>')).body), 'InvalidArgument');
    await leaseCall(s, 'HttpNfcLeaseAbort', lease);
  });

  it('answers ImportVApp with a folder on a vApp pool with InvalidArgument, like vCenter', async () => {
    const { lease } = await startImport(s, p, vappOvf, 'outer');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const app = (await sim().state()).virtualApps[0]!;
    const spec = specParam((await createImportSpec(s, p, minimalOvf, 'inner')).body);
    const res = await s.call('ImportVApp', 'VirtualApp', app.ref, spec + moref('folder', 'Folder', p.folder));
    assert.equal(faultType(res.body), 'InvalidArgument');
    const ok = await s.ok('ImportVApp', 'VirtualApp', app.ref, spec);
    await leaseCall(s, 'HttpNfcLeaseComplete', firstText(ok, 'returnval')!);
    assert.ok((await sim().state()).virtualMachines.some((v) => v.name === 'inner' && v.parent === app.ref));
  });

  it('keeps the pool and datastore untouched when ImportVApp is given a pool that does not exist', async () => {
    const spec = specParam((await createImportSpec(s, p, minimalOvf, 'lost')).body);
    const res = await s.call('ImportVApp', 'ResourcePool', 'resgroup-404', spec);
    assert.equal(faultType(res.body), 'ManagedObjectNotFound');
    assert.deepEqual((await sim().state()).virtualMachines, []);
  });
});

describe('simulator import on a standalone ESXi host', () => {
  const sim = useSimulator({ esx: true });

  it('imports into ha-root-pool through ha-ovf-manager and completes', async () => {
    const s = new RawSession(sim());
    await s.login();
    const p: Places = {
      pool: (await s.findByInventoryPath('/ha-datacenter/host/localhost.localdomain/Resources'))!,
      datastore: (await s.findByInventoryPath('/ha-datacenter/datastore/LocalDS_0'))!,
      folder: (await s.findByInventoryPath('/ha-datacenter/vm'))!,
      host: '',
    };
    assert.equal(p.pool, 'ha-root-pool');
    assert.equal(s.ovfManager, 'ha-ovf-manager');
    const { lease, fileItems } = await startImport(s, p, minimalOvf, 'esxvm');
    const [du] = await leaseDeviceUrls(s, lease);
    assert.deepEqual(fileItems, [du!.importKey]);
    assert.equal((await uploadDisk(s, du!.url, emptyStreamOptimizedVmdk(2 ** 30))).status, 200);
    assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).status, 200);
    assert.deepEqual((await sim().state()).virtualMachines.map((v) => [v.name, v.parent]), [['esxvm', 'ha-root-pool']]);
  });
});
