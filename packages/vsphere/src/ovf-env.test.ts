import * as assert from 'node:assert/strict';
import { descriptorVms, importSpecVms } from './ovf-env';
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
});
