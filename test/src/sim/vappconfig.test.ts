import * as assert from 'node:assert/strict';
import { destroyAll, importVApp, leaseCall, login, minimalOvf, specParam, vappOvf, type Places } from './flow';
import { RawSession, allElements, allText, faultType, firstText, moref, xmlEscape } from './raw-soap';
import { startSimulator, useSimulator } from './simulator';

/** The example descriptor with an OVF environment transport and an IP assignment section on its VirtualSystem. */
const OVF = minimalOvf
  .replace('<VirtualHardwareSection>', '<VirtualHardwareSection ovf:transport="com.vmware.guestInfo iso">')
  .replace(/(<\/OperatingSystemSection>)/, '$1<vmw:IpAssignmentSection ovf:required="false" vmw:protocols="IPv4" vmw:schemes="ovfenv,dhcp"><Info>ip</Info></vmw:IpAssignmentSection>');

const PASSWORD = 'a very secret root password';

function createImportSpec(s: RawSession, p: Places, ovf: string, name: string, deploymentOption: string, mapping: Record<string, string>): Promise<string> {
  const pm = Object.entries(mapping).map(([k, v]) => `<propertyMapping><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></propertyMapping>`).join('');
  return s.ok(
    'CreateImportSpec', 'OvfManager', s.ovfManager,
    `<ovfDescriptor>${xmlEscape(ovf)}</ovfDescriptor>${moref('resourcePool', 'ResourcePool', p.pool)}${moref('datastore', 'Datastore', p.datastore)}` +
      `<cisp><locale></locale><deploymentOption>${deploymentOption}</deploymentOption><entityName>${xmlEscape(name)}</entityName>${pm}<ipAllocationPolicy>fixedPolicy</ipAllocationPolicy><ipProtocol>IPv4</ipProtocol></cisp>`,
  );
}

/** `{ id: value || defaultValue }` of every `<property>` (VAppPropertyInfo) in some XML. */
function values(xml: string): Record<string, string> {
  return Object.fromEntries(allElements(xml, 'property').map((p) => [firstText(p, 'id') ?? '', firstText(p, 'value') ?? firstText(p, 'defaultValue') ?? '']));
}

/** Runs a *_Task method and waits for its end; returns the task's `info` XML. */
async function task(s: RawSession, method: string, type: string, ref: string, params: string): Promise<string> {
  const t = firstText(await s.ok(method, type, ref, params), 'returnval')!;
  for (let i = 0; i < 100; i++) {
    const info = (await s.property('Task', t, 'info')) ?? '';
    const state = firstText(info, 'state');
    if (state === 'success' || state === 'error') return info;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${method} did not finish`);
}

describe('simulator vApp options (config.vAppConfig, ReconfigVM_Task, UpdateVAppConfig)', () => {
  const sim = useSimulator();
  let s: RawSession;
  let p: Places;
  before(async () => {
    ({ s, p } = await login(sim()));
  });
  afterEach(async () => destroyAll(sim(), s));

  /** CreateImportSpec + ImportVApp + HttpNfcLeaseComplete (no bytes: the disks stay empty); the new VM's MoRef value. */
  async function importVm(name: string, mapping: Record<string, string> = {}): Promise<{ vm: string; spec: string }> {
    const spec = await createImportSpec(s, p, OVF, name, 'large', mapping);
    const lease = await importVApp(s, p, specParam(spec));
    assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).status, 200);
    const vm = (await sim().state()).virtualMachines.find((v) => v.name === name)?.ref;
    assert.ok(vm, `the VM ${name} exists`);
    return { vm, spec };
  }

  it('builds configSpec.vAppConfig in CreateImportSpec: products, properties with the mapped and per-configuration values, transport, IP assignment; not extraConfig', async () => {
    const spec = await createImportSpec(s, p, OVF, 'cis', 'large', { hostname: 'app01', root_password: PASSWORD });
    const vAppConfig = allElements(spec, 'vAppConfig')[0] ?? '';
    assert.match(vAppConfig, /type="VmConfigSpec"/);
    assert.deepEqual(values(vAppConfig), { hostname: 'app01', ip0: '', ntp_servers: 'pool.ntp.org', root_password: PASSWORD, log_level: 'info', workers: '8' });
    assert.deepEqual(allText(vAppConfig, 'operation'), Array(7).fill('add'), 'one product and six properties, all added');
    assert.equal(allElements(vAppConfig, 'property').map((x) => firstText(x, 'type')).join(' '), 'string(1..63) string string password(8..) string["debug", "info", "warn"] int(1..16)', 'ranges and value maps kept, as vCenter maps them');
    assert.deepEqual(allText(vAppConfig, 'ovfEnvironmentTransport'), ['com.vmware.guestInfo', 'iso']);
    assert.deepEqual([allText(vAppConfig, 'supportedAllocationScheme'), firstText(vAppConfig, 'ipAllocationPolicy'), firstText(vAppConfig, 'ipProtocol')], [['ovfenv', 'dhcp'], 'fixedPolicy', 'IPv4']);
    const extra = allElements(spec, 'extraConfig').join('');
    assert.ok(!extra.includes(PASSWORD) && !extra.includes('app01'), 'the mapped values are no longer written to extraConfig');
  });

  it('keeps the import spec\'s vAppConfig on the imported VM, readable as config.vAppConfig', async () => {
    const { vm } = await importVm('kept', { hostname: 'app01', root_password: PASSWORD });
    const cfg = (await s.property('VirtualMachine', vm, 'config.vAppConfig')) ?? '';
    assert.match(cfg, /type="VmConfigInfo"/);
    assert.deepEqual(values(cfg), { hostname: 'app01', ip0: '', ntp_servers: 'pool.ntp.org', root_password: PASSWORD, log_level: 'info', workers: '8' });
    assert.deepEqual(allText(cfg, 'ovfEnvironmentTransport'), ['com.vmware.guestInfo', 'iso']);
    assert.equal(firstText(allElements(cfg, 'product')[0] ?? '', 'name'), 'minimal appliance');
  });

  it('applies ReconfigVM_Task vAppConfig edits (edit keeps the other fields, add, remove by key)', async () => {
    const { vm } = await importVm('edited', { hostname: 'app01' });
    const info = await task(s, 'ReconfigVM_Task', 'VirtualMachine', vm,
      '<spec><vAppConfig xsi:type="VmConfigSpec">' +
        '<property><operation>edit</operation><info><key>0</key><value>app02</value></info></property>' +
        '<property><operation>add</operation><info><key>100</key><id>added</id><type>string</type><value>new</value></info></property>' +
        '<property><operation>remove</operation><removeKey xsi:type="xsd:int">1</removeKey></property>' +
      '</vAppConfig></spec>');
    assert.equal(firstText(info, 'state'), 'success', info);
    const cfg = (await s.property('VirtualMachine', vm, 'config.vAppConfig')) ?? '';
    assert.deepEqual(values(cfg), { hostname: 'app02', ntp_servers: 'pool.ntp.org', root_password: '', log_level: 'info', workers: '8', added: 'new' });
    const hostname = allElements(cfg, 'property').find((x) => firstText(x, 'id') === 'hostname') ?? '';
    assert.deepEqual([firstText(hostname, 'type'), firstText(hostname, 'userConfigurable')], ['string(1..63)', 'true'], 'the edit kept the fields it did not set');
  });

  it('fails the whole ReconfigVM_Task on an edit of an unknown property key, changing nothing (not even the rest of the spec)', async () => {
    const { vm } = await importVm('refused', { hostname: 'app01' });
    const before = await s.property('VirtualMachine', vm, 'config');
    const info = await task(s, 'ReconfigVM_Task', 'VirtualMachine', vm,
      `<spec><annotation>changed</annotation><vAppConfig xsi:type="VmConfigSpec"><property><operation>edit</operation><info><key>42</key><value>${xmlEscape(PASSWORD)}</value></info></property></vAppConfig></spec>`);
    assert.equal(firstText(info, 'state'), 'error');
    assert.match(info, /InvalidArgument/);
    assert.equal(firstText(info, 'invalidProperty'), 'vAppConfig.property[0].info.key');
    assert.ok(!info.includes(PASSWORD), 'the fault does not echo the value');
    assert.equal(await s.property('VirtualMachine', vm, 'config'), before, 'nothing changed');
  });

  it('sets a vApp\'s annotation, its own properties and entityConfig with UpdateVAppConfig, and refuses an entityConfig key that is not its child', async () => {
    const spec = await s.ok('CreateImportSpec', 'OvfManager', s.ovfManager,
      `<ovfDescriptor>${xmlEscape(vappOvf.replace('<Version>1.0</Version>', '<Version>1.0</Version><Property ovf:key="tier" ovf:type="string" ovf:userConfigurable="true" ovf:value="two"/>'))}</ovfDescriptor>` +
        `${moref('resourcePool', 'ResourcePool', p.pool)}${moref('datastore', 'Datastore', p.datastore)}<cisp><locale></locale><deploymentOption></deploymentOption><entityName>shop</entityName>` +
        '<propertyMapping><key>tier</key><value>three</value></propertyMapping></cisp>');
    const lease = await importVApp(s, p, specParam(spec), false);
    assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).status, 200);
    const st = await sim().state();
    const app = st.virtualApps.find((a) => a.name === 'shop')!.ref;
    const child = st.virtualMachines.find((v) => v.parent === app)?.ref;
    assert.ok(child, 'the vApp has a VM');
    assert.deepEqual(values((await s.property('VirtualApp', app, 'vAppConfig')) ?? ''), { tier: 'three' }, 'the collection\'s own property, kept from the import spec');

    const res = await s.call('UpdateVAppConfig', 'VirtualApp', app,
      '<spec><property><operation>add</operation><info><key>900</key><id>owner</id><type>string</type><value>team A</value></info></property>' +
        `<entityConfig>${moref('key', 'VirtualMachine', child)}<tag>first</tag><startOrder>1</startOrder></entityConfig>` +
        '<annotation>the shop vApp</annotation></spec>');
    assert.equal(res.status, 200, res.body);
    const cfg = (await s.property('VirtualApp', app, 'vAppConfig')) ?? '';
    assert.equal(firstText(cfg, 'annotation'), 'the shop vApp');
    assert.deepEqual(values(cfg), { tier: 'three', owner: 'team A' });
    assert.deepEqual([firstText(allElements(cfg, 'entityConfig')[0] ?? '', 'tag'), firstText(allElements(cfg, 'entityConfig')[0] ?? '', 'startOrder')], ['first', '1']);

    const stranger = await s.call('UpdateVAppConfig', 'VirtualApp', app, `<spec><entityConfig>${moref('key', 'VirtualMachine', 'vm-0')}<startOrder>2</startOrder></entityConfig></spec>`);
    assert.equal(stranger.status, 500);
    assert.equal(faultType(stranger.body), 'InvalidArgument');
    assert.equal(firstText((await s.property('VirtualApp', app, 'vAppConfig')) ?? '', 'startOrder'), '1', 'nothing changed');
  });

  it('answers ManagedObjectNotFound for UpdateVAppConfig on something that is not a vApp', async () => {
    const res = await s.call('UpdateVAppConfig', 'VirtualApp', 'resgroup-v404', '<spec><annotation>x</annotation></spec>');
    assert.equal(res.status, 500);
    assert.equal(faultType(res.body), 'ManagedObjectNotFound');
  });
});

describe('simulator vApp options keep password values out of its log and its events', () => {
  it('imports, edits and refuses password property values without writing them to the log or to an event', async () => {
    const sim = await startSimulator({ log: true });
    try {
      const { s, p } = await login(sim);
      const spec = await createImportSpec(s, p, OVF, 'pw', 'small', { root_password: PASSWORD });
      const lease = await importVApp(s, p, specParam(spec));
      assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).status, 200);
      const vm = (await sim.state()).virtualMachines.find((v) => v.name === 'pw')!.ref;
      const second = `${PASSWORD} (rotated)`;
      const ok = await task(s, 'ReconfigVM_Task', 'VirtualMachine', vm, `<spec><vAppConfig xsi:type="VmConfigSpec"><property><operation>edit</operation><info><key>3</key><value>${xmlEscape(second)}</value></info></property></vAppConfig></spec>`);
      assert.equal(firstText(ok, 'state'), 'success');
      const bad = await task(s, 'ReconfigVM_Task', 'VirtualMachine', vm, `<spec><vAppConfig xsi:type="VmConfigSpec"><property><operation>edit</operation><info><key>77</key><value>${xmlEscape(second)}</value></info></property></vAppConfig></spec>`);
      assert.equal(firstText(bad, 'state'), 'error');
      assert.equal(values((await s.property('VirtualMachine', vm, 'config.vAppConfig')) ?? '')['root_password'], second, 'the guest-facing value was stored');

      const events = await s.ok('QueryEvents', 'EventManager', 'EventManager', '<filter></filter>');
      assert.match(events, /VmBeingCreatedEvent/, 'the creation event is there');
      assert.match(events, /VmReconfiguredEvent/, 'the reconfigure event is there');
      assert.ok(!events.includes(PASSWORD), 'no event carries a password property value');
      assert.ok(!sim.stderr().includes(PASSWORD), 'the simulator log does not either');
    } finally {
      await sim.stop();
    }
  });
});
