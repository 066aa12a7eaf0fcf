/**
 * One issue text for every front end: the same broken descriptor planned in the words of each
 * gives the same codes, and fixes that name only that front end's own inputs. Whole lists are compared.
 */
import * as assert from 'node:assert/strict';
import { formatIssue, type Vocabulary } from './issue-text';
import { createPlan } from './plan';

/** A VM with a EULA, a NIC on an unmapped network, two deployment options and one property. */
const OVF = `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References/>
  <NetworkSection><Info>n</Info><Network ovf:name="Front"><Description>f</Description></Network></NetworkSection>
  <DeploymentOptionSection><Info>sizes</Info>
    <Configuration ovf:id="small" ovf:default="true"><Label>Small</Label><Description>s</Description></Configuration>
    <Configuration ovf:id="large"><Label>Large</Label><Description>l</Description></Configuration>
  </DeploymentOptionSection>
  <VirtualSystem ovf:id="app">
    <Info>vm</Info>
    <ProductSection><Info>p</Info><Product>App</Product>
      <Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="localhost"/>
    </ProductSection>
    <EulaSection><Info>e</Info><License>Be nice.</License></EulaSection>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>Front</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>`;

const plan = (vocabulary: Vocabulary): ReturnType<typeof createPlan>['plan'] => createPlan(OVF, { vocabulary, deploymentOption: 'huge', propertyMapping: { hostnmae: 'web01' }, package: 'descriptor-only' }).plan;

describe('one issue text, in the words of each front end', () => {
  it('the same broken descriptor gives the same codes in every front end, each fix in its own words', () => {
    const expected: Record<Vocabulary, string[]> = {
      cli: ['choose one of "small", "large", e.g. --deployment-option small', 'use --prop hostname=…', 'read it (ovfkit parse shows the texts) and accept with --accept-all-eulas', 'map it: --net "Front=<network>"'],
      pulumi: ['choose one of "small", "large", e.g. deploymentOption: "small"', 'use propertyMapping: { "hostname": "…" }', 'read it (getOvfDescriptor(source) shows the texts) and accept with acceptAllEulas: true', 'map it: networkMapping: { "Front": "<network>" }'],
      cdktf: ['choose one of "small", "large", e.g. deploymentOption: "small"', 'use propertyMapping: { "hostname": "…" }', 'read it (the OvfDescriptor construct shows the texts) and accept with acceptAllEulas: true', 'map it: networkMapping: { "Front": "<network>" }'],
      terraform: ['choose one of "small", "large", e.g. deployment_option = "small"', 'use property_mapping = { "hostname" = "…" }', 'read it (the ovfkit_descriptor data source shows the texts) and accept with accept_all_eulas = true', 'map it: network_mapping = { "Front" = "<network>" }'],
      api: ['choose one of "small", "large", e.g. deploymentOption "small"', 'use propertyMapping key "hostname"', 'read it (ParseDescriptor shows the texts) and accept with importOption "acceptAllEulas"', 'map it: networkMapping name "Front"'],
    };
    // Each fix names only its front end's inputs: no CLI flag reaches Pulumi, CDKTF or Terraform.
    const codes = (v: Vocabulary): string[] => [...plan(v).errors, ...plan(v).warnings].map((i) => `${i.source}:${i.code}`);
    for (const v of Object.keys(expected) as Vocabulary[]) {
      assert.deepEqual(codes(v), codes('api'), v);
      assert.deepEqual([...plan(v).errors, ...plan(v).warnings].map((i) => i.fix), expected[v], v);
    }
  });

  it('formats an issue on one line: message, where, what is allowed, the fix and its tag, controls escaped', () => {
    const [first] = plan('pulumi').errors;
    assert.equal(formatIssue(first!), 'Deployment option "huge" is not offered by this descriptor; allowed: "small", "large"; fix: choose one of "small", "large", e.g. deploymentOption: "small" [parseDescriptor: OvfInvalidValueConfiguration UNKNOWN_DEPLOYMENT_OPTION]');
    assert.equal(formatIssue({ ...first!, localizedMessage: 'bad\u001b[2Jname' }, { against: 'host profile esxi-8.0' }),
      'bad\\x1b[2Jname; seen "huge"; allowed: "small", "large"; fix: choose one of "small", "large", e.g. deploymentOption: "small"; checked against host profile esxi-8.0 [parseDescriptor: OvfInvalidValueConfiguration UNKNOWN_DEPLOYMENT_OPTION]');
  });
});
