import * as assert from 'node:assert/strict';
import { deserializeReturn, serializeCall } from './client';
import { decodeElement } from './codec';
import { CreateImportSpec, Login, RetrievePropertiesEx, RetrieveServiceContent, ParseDescriptor } from './methods';
import { parseXml } from './xml';

const env = (body: string, xsiPrefix = 'xsi'): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:${xsiPrefix}="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

/** The `<MethodResponse>` element of a response envelope. */
function responseOf(xml: string) {
  const doc = parseXml(xml);
  return doc.children[0]!.children[0]!;
}

describe('vim25 request serializer (goldens from vim25-soap-wire.md §8)', () => {
  it('writes RetrieveServiceContent with only _this (§8.1)', () => {
    const cmd = new RetrieveServiceContent({ _this: { type: 'ServiceInstance', value: 'ServiceInstance' } });
    assert.equal(cmd.serialize(), '<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>');
  });

  it('escapes the Login password and marks it as a secret (§8.2)', () => {
    const cmd = new Login({ _this: { type: 'SessionManager', value: 'SessionManager' }, userName: 'administrator@vsphere.local', password: 's3cr&t' });
    assert.equal(
      cmd.serialize(),
      '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>administrator@vsphere.local</userName><password>s3cr&amp;t</password></Login>',
    );
    assert.deepEqual(cmd.secrets(), ['s3cr&t']);
  });

  it('writes CreateImportSpec with cisp fields in XSD order and its xsi:type (§8.4)', () => {
    const cmd = new CreateImportSpec({
      _this: { type: 'OvfManager', value: 'OvfManager' },
      ovfDescriptor: '<?xml version="1.0"?><Envelope/>',
      resourcePool: { type: 'ResourcePool', value: 'resgroup-9' },
      datastore: { type: 'Datastore', value: 'datastore-12' },
      // Given out of order on purpose: the serializer must follow the schema, not the object.
      cisp: {
        diskProvisioning: 'thin',
        propertyMapping: [{ key: 'acme.hostname', value: 'web01' }],
        ipProtocol: 'IPv4',
        ipAllocationPolicy: 'fixedPolicy',
        networkMapping: [{ name: 'VM Network', network: { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-21' } }],
        entityName: 'web01',
        deploymentOption: 'small',
        locale: '',
      },
    });
    assert.equal(
      cmd.serialize(),
      '<CreateImportSpec xmlns="urn:vim25"><_this type="OvfManager">OvfManager</_this>' +
        '<ovfDescriptor>&lt;?xml version=&quot;1.0&quot;?&gt;&lt;Envelope/&gt;</ovfDescriptor>' +
        '<resourcePool type="ResourcePool">resgroup-9</resourcePool><datastore type="Datastore">datastore-12</datastore>' +
        '<cisp xsi:type="OvfCreateImportSpecParams"><locale></locale><deploymentOption>small</deploymentOption><entityName>web01</entityName>' +
        '<networkMapping><name>VM Network</name><network type="DistributedVirtualPortgroup">dvportgroup-21</network></networkMapping>' +
        '<ipAllocationPolicy>fixedPolicy</ipAllocationPolicy><ipProtocol>IPv4</ipProtocol>' +
        '<propertyMapping><key>acme.hostname</key><value>web01</value></propertyMapping><diskProvisioning>thin</diskProvisioning></cisp></CreateImportSpec>',
    );
  });

  it('writes a ContainerView traversal with xsi:type on selectSet and the required empty options (§5)', () => {
    const cmd = new RetrievePropertiesEx({
      _this: { type: 'PropertyCollector', value: 'propertyCollector' },
      specSet: [
        {
          propSet: [{ type: 'VirtualMachine', pathSet: ['name', 'runtime.powerState'] }],
          objectSet: [{ obj: { type: 'ContainerView', value: 'session[52]52' }, skip: true, selectSet: [{ _typeName: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false }] }],
        },
      ],
      options: {},
    });
    assert.equal(
      cmd.serialize(),
      '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet>' +
        '<propSet><type>VirtualMachine</type><pathSet>name</pathSet><pathSet>runtime.powerState</pathSet></propSet>' +
        '<objectSet><obj type="ContainerView">session[52]52</obj><skip>true</skip><selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet>' +
        '</specSet><options></options></RetrievePropertiesEx>',
    );
  });

  it('escapes MoRef values, which are opaque and may hold spaces, @ and /', () => {
    const body = serializeCall('Destroy_Task', { _this: { type: 'Datastore', value: '/tmp/govcsim-DC0 <x>&@folder-5' } }, []);
    assert.equal(body, '<Destroy_Task xmlns="urn:vim25"><_this type="Datastore">/tmp/govcsim-DC0 &lt;x&gt;&amp;@folder-5</_this></Destroy_Task>');
  });
});

describe('vim25 response deserializer', () => {
  it('decodes a ParseDescriptor result with schema-driven arrays, numbers and typed warnings (§8.3)', () => {
    const xml = env(`<ParseDescriptorResponse xmlns="urn:vim25"><returnval>
      <eula>Acme EULA text</eula>
      <network><name>VM Network</name><description>The VM Network network</description></network>
      <ipAllocationScheme>dhcp</ipAllocationScheme><ipAllocationScheme>ovfenv</ipAllocationScheme>
      <property><key>0</key><classId>acme</classId><id>hostname</id><type>string(1..63)</type><userConfigurable>true</userConfigurable><defaultValue>006</defaultValue></property>
      <productInfo><key>0</key><name>Acme Appliance</name><version>1.2</version></productInfo>
      <annotation>Demo appliance</annotation>
      <approximateDownloadSize>734003200</approximateDownloadSize>
      <approximateFlatDeploymentSize>17179869184</approximateFlatDeploymentSize>
      <defaultEntityName>acme-appliance</defaultEntityName><virtualApp>false</virtualApp>
      <deploymentOption><key>small</key><label>Small</label><description>2 vCPU, 4 GB</description></deploymentOption>
      <defaultDeploymentOption>small</defaultDeploymentOption>
      <warning><fault xsi:type="OvfUnsupportedSection"><lineNumber>57</lineNumber><name>acme:LicenseServerSection</name><info>Optional</info></fault><localizedMessage>Line 57: Unsupported section</localizedMessage></warning>
    </returnval></ParseDescriptorResponse>`);
    const r = new ParseDescriptor({ _this: { type: 'OvfManager', value: 'OvfManager' }, ovfDescriptor: '', pdp: { locale: '', deploymentOption: '' } }).deserialize(responseOf(xml));
    assert.deepEqual(r.eula, ['Acme EULA text']);
    assert.deepEqual(r.network, [{ name: 'VM Network', description: 'The VM Network network' }]);
    assert.deepEqual(r.ipAllocationScheme, ['dhcp', 'ovfenv']);
    assert.equal(r.property?.[0]?.defaultValue, '006', 'string values stay text');
    assert.equal(r.property?.[0]?.userConfigurable, true);
    assert.equal(r.property?.[0]?.key, 0);
    assert.equal(r.approximateFlatDeploymentSize, 17179869184);
    assert.equal(r.virtualApp, false);
    assert.deepEqual(r.error, [], 'an absent array is an empty array');
    assert.equal(r.warning?.[0]?.fault._typeName, 'OvfUnsupportedSection');
    assert.equal((r.warning?.[0]?.fault as { lineNumber: number }).lineNumber, 57);
  });

  it("resolves the simulator's XMLSchema-instance:type prefix by namespace, not by name (§ Seen on the wire)", () => {
    const xml = env(
      `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="HttpNfcLease">session[52]52</obj>
      <propSet><name>info</name><val XMLSchema-instance:type="HttpNfcLeaseInfo"><lease type="HttpNfcLease">session[52]52</lease><entity type="VirtualMachine">vm-77</entity>
        <deviceUrl><key>/vm-77/VirtualLsiLogicController0:0</key><importKey>/web01/VirtualLsiLogicController0:0</importKey><url>https://*/nfc/52ab/disk-0.vmdk</url><sslThumbprint>BE:70</sslThumbprint><disk>true</disk><targetId>disk-0.vmdk</targetId></deviceUrl>
        <totalDiskCapacityInKB>16777216</totalDiskCapacityInKB><leaseTimeout>300</leaseTimeout></val></propSet>
      <propSet><name>state</name><val XMLSchema-instance:type="HttpNfcLeaseState">ready</val></propSet>
      <propSet><name>vms</name><val XMLSchema-instance:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="VirtualMachine">vm-1</ManagedObjectReference></val></propSet>
      <propSet><name>count</name><val XMLSchema-instance:type="xsd:int">3</val></propSet>
      </objects></returnval></RetrievePropertiesExResponse>`,
      'XMLSchema-instance',
    );
    const r = deserializeReturn(responseOf(xml), 'RetrieveResult', false) as { objects: Array<{ propSet: Array<{ name: string; val: unknown }> }> };
    const props = Object.fromEntries(r.objects[0]!.propSet.map((p) => [p.name, p.val]));
    const info = props['info'] as { deviceUrl: Array<{ disk: boolean; importKey: string }>; leaseTimeout: number; entity: unknown };
    assert.equal(info.deviceUrl.length, 1, 'a one-element array stays an array');
    assert.equal(info.deviceUrl[0]!.disk, true);
    assert.equal(info.leaseTimeout, 300);
    assert.deepEqual(info.entity, { type: 'VirtualMachine', value: 'vm-77' });
    assert.equal(props['state'], 'ready');
    assert.deepEqual(props['vms'], [{ type: 'VirtualMachine', value: 'vm-1' }]);
    assert.equal(props['count'], 3);
  });

  it('keeps an importSpec verbatim, with every xsi:type, so ImportVApp gets back exactly what CreateImportSpec gave', () => {
    const xml = env(`<CreateImportSpecResponse xmlns="urn:vim25"><returnval><importSpec xsi:type="VirtualMachineImportSpec"><configSpec><name>web01</name>
      <deviceChange><operation>add</operation><device xsi:type="VirtualLsiLogicController"><key>-100</key></device></deviceChange></configSpec></importSpec>
      <fileItem><deviceId>/web01/disk:0</deviceId><path>web01-disk1.vmdk</path><size>734003200</size><cimType>17</cimType><create>false</create></fileItem></returnval></CreateImportSpecResponse>`);
    const r = new CreateImportSpec({} as never).deserialize(responseOf(xml));
    assert.equal(r.fileItem[0]!.cimType, 17);
    assert.equal(r.fileItem[0]!.create, false);
    const body = serializeCall('ImportVApp', { _this: { type: 'ResourcePool', value: 'resgroup-9' }, spec: r.importSpec }, [['spec', 'raw']]);
    assert.match(body, /<spec xsi:type="VirtualMachineImportSpec"><configSpec><name>web01<\/name>/);
    assert.match(body, /<device xsi:type="VirtualLsiLogicController"><key>-100<\/key><\/device>/);
  });

  it('refuses a longer integer than a JS number holds exactly instead of rounding it', () => {
    const xml = env('<X xmlns="urn:vim25"><returnval><capacity>9007199254740993</capacity></returnval></X>');
    assert.throws(() => decodeElement(responseOf(xml).children[0]!, 'DatastoreSummary'), /not an integer ovfkit can represent exactly/);
  });

  it("decodes numeric character references once (Go's encoder writes &#34; for a quote), never twice", () => {
    const node = parseXml(env('<X xmlns="urn:vim25"><returnval>&lt;?xml version=&#34;1.0&#34;?&gt; &amp;#34; &#x41;<![CDATA[&amp;]]></returnval></X>'));
    assert.equal(node.children[0]!.children[0]!.children[0]!.text, '<?xml version="1.0"?> &#34; A&amp;');
  });

  it('refuses a DOCTYPE, so no entity declared by a hostile server is expanded', () => {
    assert.throws(() => parseXml('<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>'), /DOCTYPE/);
  });
});
