import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { checkInventory } from '../inventory';
import { SITE } from '../inventory/inventory.test';
import { createPlan } from './index';

export const OVF = `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References><File ovf:href="d.vmdk" ovf:id="f1" ovf:size="100"/></References>
  <DiskSection><Info>d</Info><Disk ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="d1" ovf:fileRef="f1"/></DiskSection>
  <NetworkSection><Info>n</Info><Network ovf:name="VM Network"><Description>n</Description></Network></NetworkSection>
  <VirtualSystem ovf:id="app">
    <Info>vm</Info>
    <ProductSection><Info>p</Info><Product>App</Product>
      <Property ovf:key="admin_password" ovf:type="string" ovf:password="true" ovf:userConfigurable="true" ovf:qualifiers="MinLen(12)"/>
      <Property ovf:key="port" ovf:type="uint16" ovf:userConfigurable="true" ovf:value="80"/>
    </ProductSection>
    <EulaSection><Info>e</Info><License>Be nice.</License></EulaSection>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>scsi</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/d1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceSubType>E1000e</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>`;

describe('the plan', () => {
  it('carries the sha256 digest of the descriptor bytes', () => {
    const { plan } = createPlan(OVF);
    assert.equal(plan.descriptorDigest, `sha256:${createHash('sha256').update(OVF).digest('hex')}`);
    assert.notEqual(createPlan(OVF.replace('App<', 'App2<')).plan.descriptorDigest, plan.descriptorDigest);
  });

  it('carries the digest of the text a live import sends: the bytes\' for UTF-8, the decoded text\'s UTF-8 otherwise', () => {
    const sha = (b: string | Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const utf8 = createPlan(Buffer.from(OVF));
    assert.deepEqual([utf8.plan.descriptorTextDigest, utf8.descriptorText], [utf8.plan.descriptorDigest, OVF]);
    // The text vSphere is given: the declaration says UTF-8, the characters and the CR LF line ends are the file's.
    const text = OVF.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>').replace('App<', 'Caf\u00e9<').replace(/\n/g, '\r\n');
    const encoded: Array<[string, Buffer]> = [
      ['ISO-8859-1', Buffer.from(text.replace('"UTF-8"', '"ISO-8859-1"'), 'latin1')],
      ['UTF-16 LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace('"UTF-8"', '"UTF-16"'), 'utf16le')])],
      ['UTF-16 BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text.replace('"UTF-8"', '"UTF-16"'), 'utf16le').swap16()])],
      ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ];
    for (const [what, bytes] of encoded) {
      const r = createPlan(bytes);
      assert.deepEqual([r.plan.descriptorDigest, r.plan.descriptorTextDigest, r.descriptorText], [sha(bytes), sha(text), text], what);
    }
  });

  it('shows hardware, networks, disks, files and EULAs of the import', () => {
    const { inventory } = checkInventory(SITE);
    const { plan } = createPlan(OVF, { inventory: inventory!, resourcePool: 'Resources', datastore: 'vmfs1', networkMapping: { 'VM Network': 'prod-pg' }, diskProvisioning: 'thin', importOption: ['acceptAllEulas'] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    assert.equal(plan.hostProfile, 'esxi-7.0u3', 'the host of the pool decides the profile');
    assert.deepEqual(plan.target, { host: 'esx1.lab', resourcePool: '/DC1/host/Cluster1/Resources', datastore: 'vmfs1' });
    assert.deepEqual(plan.vms.map((v) => [v.hardwareVersion, v.numCPUs, v.memoryMB]), [['vmx-14', 2, 1024]]);
    assert.deepEqual(plan.networks.map((n) => [n.ovfNetwork, n.network?.name, n.mappedBy]), [['VM Network', 'prod-pg', 'networkMapping']]);
    assert.deepEqual(plan.disks.map((d) => [d.capacityBytes, d.provisioning, d.file]), [[2 ** 30, 'thin', 'd.vmdk']]);
    assert.deepEqual(plan.files.map((f) => f.path), ['d.vmdk']);
    assert.deepEqual(plan.eula, { count: 1, accepted: true, texts: ['Be nice.'] });
    assert.deepEqual(plan.entities, [{ name: 'App', path: 'App', kind: 'VirtualMachine' }]);
  });

  it('marks password properties secret and never shows their value, even in an issue', () => {
    const secret = 'tooShort!';
    const { plan } = createPlan(OVF, { propertyMapping: { 'admin_password': secret, port: '99999' }, importOption: ['acceptAllEulas'] });
    const pw = plan.properties.find((p) => p.id === 'admin_password')!;
    assert.deepEqual([pw.password, pw.value, pw.source], [true, '********', 'propertyMapping']);
    assert.deepEqual(plan.errors.map((e) => [e.source, e.code]), [['createImportSpec', 'PROPERTY_VALUE_INVALID'], ['createImportSpec', 'PROPERTY_VALUE_INVALID']]);
    assert.ok(!JSON.stringify(plan).includes(secret));
    assert.equal(plan.ok, false);
  });

  it('redacts a secret by field, not by its text: a one-letter password leaves every message as written', () => {
    const { plan } = createPlan(OVF, { propertyMapping: { admin_password: 'a', port: '99999' }, importOption: ['acceptAllEulas'] });
    assert.deepEqual(plan.errors.map((e) => [e.code, e.value, e.localizedMessage]), [
      ['PROPERTY_VALUE_INVALID', '********', 'Value for property "admin_password" is invalid: is shorter than MinLen(12)'],
      ['PROPERTY_VALUE_INVALID', '99999', 'Value for property "port" is invalid: is outside 0..65535'],
    ]);
    assert.equal(plan.properties.find((p) => p.id === 'admin_password')!.value, '********');
  });

  it('gathers the issues of all three calls, each tagged with its call, then its own', () => {
    const { plan } = createPlan(OVF.replace('vmx-14', 'vmx-21'), { hostProfile: 'esxi-6.7' });
    assert.deepEqual(plan.errors.map((e) => `${e.source}:${e.code}`), ['validateHost:HARDWARE_VERSION_UNSUPPORTED', 'plan:EULA_NOT_ACCEPTED']);
    assert.deepEqual(plan.warnings.map((e) => `${e.source}:${e.code}`), ['createImportSpec:NETWORK_NOT_MAPPED']);
    const broken = createPlan('<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><oops').plan;
    assert.equal(broken.errors[0]?.source, 'parseDescriptor');
  });

  it('reports every placement and network the inventory lacks as errors of the plan, at once', () => {
    const { inventory } = checkInventory(SITE);
    const { plan } = createPlan(OVF, { inventory: inventory!, resourcePool: 'Cluster1/Resources/nope', datastore: 'ds-nope', folder: 'nope', networkMapping: { 'VM Network': 'prod/pg' }, importOption: ['acceptAllEulas'] });
    assert.deepEqual(plan.errors.map((e) => [e.source, e.code, e.value, e.localizedMessage, e.allowed, e.fix]), [
      ['validateHost', 'UNKNOWN_FOLDER', 'nope', 'folder "nope" is not in the inventory of datacenter "DC1"', '/DC1/vm', "name one of the datacenter's folders (inventory path, name or moref), or capture the inventory again"],
      ['validateHost', 'UNKNOWN_RESOURCE_POOL', 'Cluster1/Resources/nope', 'resource pool or vApp "Cluster1/Resources/nope" is not in the inventory of datacenter "DC1"', 'Cluster1/Resources', "name one of the datacenter's resource pools and vApps (inventory path, name or moref), or capture the inventory again"],
      ['validateHost', 'UNKNOWN_DATASTORE', 'ds-nope', 'datastore "ds-nope" is not in the inventory of datacenter "DC1"', 'vmfs1, nfs1', "name one of the datacenter's datastores (inventory path, name or moref), or capture the inventory again"],
      ['createImportSpec', 'UNKNOWN_MAPPED_NETWORK', 'prod/pg', 'networkMapping sends "VM Network" to "prod/pg", which is not in the inventory of datacenter "DC1"', 'VM Network, prod-pg, nsx-seg', 'did you mean "prod-pg"?'],
    ]);
    assert.equal(plan.ok, false);
  });

  it('resolves a cluster as its root pool and gives what an import sends', () => {
    const { inventory } = checkInventory(SITE);
    const r = createPlan(OVF, { inventory: inventory!, resourcePool: 'Cluster1', datastore: '/DC1/datastore/vmfs1', networkMapping: { 'VM Network': 'prod-pg' }, importOption: ['acceptAllEulas'] });
    assert.deepEqual(r.plan.errors, []);
    assert.deepEqual(r.plan.target, { host: 'esx1.lab', resourcePool: '/DC1/host/Cluster1/Resources', datastore: 'vmfs1' });
    assert.deepEqual([r.placement?.resourcePool?.moref, r.placement?.datastore?.moref, r.placement?.networkMapping], ['resgroup-8', 'datastore-11', [{ name: 'VM Network', network: { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-14' } }]]);
  });
});
