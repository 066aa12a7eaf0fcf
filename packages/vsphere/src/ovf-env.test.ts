import * as assert from 'node:assert/strict';
import { descriptorVms, environmentSource, importSpecVms, vmConfigProperties } from './ovf-env';
import { parseXml } from './soap/xml';

/** An import spec shaped as vCenter returns it (govmomi types: VirtualAppImportSpec with VM children carrying vAppConfig). */
const VAPP_SPEC = `<importSpec xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="VirtualAppImportSpec">
  <name>shop</name>
  <vAppConfigSpec><product><operation>add</operation></product></vAppConfigSpec>
  <child xsi:type="VirtualMachineImportSpec">
    <configSpec><name>db</name><guestId>otherGuest64</guestId>
      <vAppConfig xsi:type="VmConfigSpec">
        <property><operation>add</operation><info><key>0</key><classId>db</classId><id>password</id><type>password</type><userConfigurable>true</userConfigurable><defaultValue></defaultValue><value>pw &amp; "q"</value></info></property>
        <property><operation>add</operation><info><key>1</key><id>port</id><instanceId>2</instanceId><type>int</type><defaultValue>5432</defaultValue></info></property>
      </vAppConfig>
    </configSpec>
  </child>
  <child xsi:type="VirtualMachineImportSpec"><configSpec><name>web</name></configSpec></child>
</importSpec>`;

describe('what the OVF environment is built from', () => {
  it('reads each VM of a vCenter-style vApp import spec with its properties, in order', () => {
    const vms = importSpecVms({ _raw: parseXml(VAPP_SPEC) });
    assert.deepEqual(vms, [
      {
        name: 'db',
        property: [
          { classId: 'db', id: 'password', value: 'pw & "q"', defaultValue: '', type: 'password' },
          { id: 'port', instanceId: '2', defaultValue: '5432', type: 'int' },
        ],
      },
      { name: 'web', property: [] },
    ]);
  });

  it('reads the descriptor\'s VirtualSystems with the mapped values, by full key or bare id', () => {
    const ovf = `<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
<References/><VirtualSystemCollection ovf:id="shop"><Info>x</Info>
<VirtualSystem ovf:id="db"><Info>x</Info><ProductSection ovf:class="db"><Info>p</Info>
  <Property ovf:key="password" ovf:type="string" ovf:password="true"/>
  <Property ovf:key="port" ovf:type="uint16" ovf:value="5432"/></ProductSection></VirtualSystem>
<VirtualSystem ovf:id="web"><Info>x</Info><ProductSection><Info>p</Info><Property ovf:key="title" ovf:type="string" ovf:value="Shop"/></ProductSection></VirtualSystem>
</VirtualSystemCollection></Envelope>`;
    assert.deepEqual(descriptorVms(ovf, { 'db.password': 's3cret', title: 'My <shop>' }), [
      { id: 'db', property: [{ id: 'password', classId: 'db', value: 's3cret', type: 'password' }, { id: 'port', classId: 'db', defaultValue: '5432' }] },
      { id: 'web', property: [{ id: 'title', defaultValue: 'Shop', value: 'My <shop>' }] },
    ]);
  });

  it('reads a VM\'s config.vAppConfig properties as the PropertyCollector decodes them (one property is an object, not a list)', () => {
    assert.deepEqual(vmConfigProperties({ _typeName: 'VmConfigInfo', property: { key: '0', classId: 'acme', id: 'hostname', type: 'string', userConfigurable: 'true', defaultValue: 'localhost', value: 'web01' } }), [
      { classId: 'acme', id: 'hostname', value: 'web01', defaultValue: 'localhost', type: 'string' },
    ]);
    assert.deepEqual(vmConfigProperties(undefined), []);
    assert.deepEqual(vmConfigProperties(''), []);
  });

  it('takes the VM\'s own properties first, filling a password the server returns empty from the import spec', () => {
    const vm = [{ classId: 'db', id: 'password', type: 'password' }, { id: 'port', value: '6543', defaultValue: '5432' }];
    const spec = [{ classId: 'db', id: 'password', type: 'password', value: 's3cret' }, { id: 'port', value: '5432' }];
    assert.deepEqual(environmentSource(vm, spec, [{ id: 'other' }]), {
      from: 'vm',
      property: [{ classId: 'db', id: 'password', type: 'password', value: 's3cret' }, { id: 'port', value: '6543', defaultValue: '5432' }],
    });
  });

  it('falls back to the import spec when the VM reports no properties, and to the descriptor when neither has any', () => {
    const spec = [{ id: 'port', value: '5432' }];
    const described = [{ id: 'port', defaultValue: '1' }];
    assert.deepEqual(environmentSource([], spec, described), { from: 'importSpec', property: spec });
    assert.deepEqual(environmentSource([], [], described), { from: 'descriptor', property: described });
    assert.deepEqual(environmentSource([], [], undefined), { from: 'importSpec', property: [] });
  });
});
