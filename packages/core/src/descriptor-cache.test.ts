/**
 * DescriptorCache: a descriptor is read once per content (counted as calls of the envelope reader,
 * as test/src/pulumi/create-calls.test.ts counts parses), whatever the choice resolved over it,
 * and read again when its bytes or the read limits differ; results equal the uncached ones.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import { DescriptorCache } from './descriptor-cache';
import { createPlan, type PlanOptions } from './plan';

/** Counts calls of the envelope reader (every read of a descriptor's XML goes through it). */
function countEnvelopeReads(): { count(): number; restore(): void } {
  const mod = require(path.join(__dirname, 'envelope.js')) as { readEnvelope: (...a: unknown[]) => unknown };
  const original = mod.readEnvelope;
  let n = 0;
  mod.readEnvelope = (...a: unknown[]): unknown => {
    n++;
    return original(...a);
  };
  return { count: () => n, restore: () => { mod.readEnvelope = original; } };
}

const descriptor = (name: string, memoryMB = 256): string => `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References/>
  <NetworkSection><Info>n</Info><Network ovf:name="VM Network"><Description>d</Description></Network></NetworkSection>
  <DeploymentOptionSection><Info>sizes</Info>
    <Configuration ovf:id="small" ovf:default="true"><Label>Small</Label><Description>s</Description></Configuration>
    <Configuration ovf:id="large"><Label>Large</Label><Description>l</Description></Configuration>
  </DeploymentOptionSection>
  <VirtualSystem ovf:id="${name}">
    <Info>a vm</Info>
    <ProductSection><Info>p</Info><Product>${name}</Product>
      <Property ovf:key="host" ovf:type="string" ovf:userConfigurable="true" ovf:value="a"/>
      <Property ovf:key="pw" ovf:type="password" ovf:userConfigurable="true"/>
    </ProductSection>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>${memoryMB}</rasd:VirtualQuantity></Item>
      <Item ovf:configuration="large"><rasd:ElementName>cpu2</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>4</rasd:VirtualQuantity></Item>
      <Item><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>4</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
      <Item><rasd:ElementName>undeclared</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType><rasd:HostResource>ovf:/disk/nowhere</rasd:HostResource></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`;

/** Choices that change what is resolved over one model: option, name, property values, mapping, EULA acceptance. */
const CHOICES: PlanOptions[] = [
  {},
  { deploymentOption: 'large', entityName: 'b' },
  { deploymentOption: 'nope', propertyMapping: { host: 'x', pw: 'secret-1', nokey: 'y' }, networkMapping: { 'VM Network': 'pg' } },
  { entityName: 'c', importOption: ['acceptAllEulas'], diskProvisioning: 'thin' },
];

describe('DescriptorCache: one read per content', () => {
  it('reads a descriptor once for every choice planned over it, and each plan equals the uncached one', () => {
    const text = descriptor('web');
    const uncached = CHOICES.map((c) => createPlan(text, c));
    const cache = new DescriptorCache();
    const reads = countEnvelopeReads();
    let cached;
    try {
      // Bytes and text of the same content: the same digest.
      cached = CHOICES.map((c, i) => createPlan(i % 2 ? Buffer.from(text, 'utf8') : text, { ...c, descriptorCache: cache }));
    } finally {
      reads.restore();
    }
    assert.deepEqual({ reads: reads.count(), kept: cache.size }, { reads: 1, kept: 1 });
    assert.deepEqual(JSON.parse(JSON.stringify(cached)), JSON.parse(JSON.stringify(uncached)));
    // The issues each plan got are its own: a caller's edit does not reach the next plan.
    cached[0]!.plan.errors.push({ ...cached[0]!.plan.errors[0]!, localizedMessage: 'added by a caller' });
    cached[0]!.parseDescriptor.error?.splice(0);
    assert.deepEqual(JSON.parse(JSON.stringify(createPlan(text, { descriptorCache: cache }))), JSON.parse(JSON.stringify(uncached[0])));
  });

  it('reads changed content again (another digest), and the same content under other read limits', () => {
    const cache = new DescriptorCache();
    const reads = countEnvelopeReads();
    const digests: string[] = [];
    try {
      for (const text of [descriptor('web'), descriptor('web', 512), descriptor('web'), descriptor('web', 512)]) {
        digests.push(createPlan(text, { descriptorCache: cache }).plan.descriptorDigest);
      }
      assert.equal(reads.count(), 2, 'two contents, two reads');
      const small = createPlan(descriptor('web'), { descriptorCache: cache });
      assert.equal(reads.count(), 2);
      const resolveLimited = createPlan(descriptor('web'), { descriptorCache: cache, hostProfile: 'esxi-8.0' });
      assert.equal(reads.count(), 2, 'a host profile is a choice, not a read');
      assert.deepEqual(small.plan.vms.map((v) => v.memoryMB), [256]);
      assert.deepEqual(resolveLimited.plan.vms.map((v) => v.memoryMB), [256]);
    } finally {
      reads.restore();
    }
    assert.equal(new Set(digests).size, 2);
    assert.deepEqual([digests[0] === digests[2], digests[1] === digests[3], digests[0] === digests[1]], [true, true, false]);
    // Limits change what a read accepts: the same bytes under other limits are read again, and refused by them.
    const limited = countEnvelopeReads();
    try {
      const r = cache.read(descriptor('web'), { maxElements: 5 });
      assert.equal(limited.count(), 1);
      assert.equal(r.envelope, undefined);
      assert.deepEqual(r.error.map((i) => i.code), ['XML_TOO_MANY_ELEMENTS']);
      cache.read(descriptor('web'), { maxElements: 5 });
      assert.equal(limited.count(), 1);
    } finally {
      limited.restore();
    }
  });

  it('keeps at most maxEntries descriptors and maxBytes of them, least recently used dropped first', () => {
    const cache = new DescriptorCache({ maxEntries: 2 });
    const reads = countEnvelopeReads();
    try {
      for (const n of ['a', 'b', 'a', 'c', 'a', 'b']) cache.read(descriptor(n));
      // a, b read; a kept (hit); c read, b dropped (a used more recently); a hit; b read again.
      assert.deepEqual({ reads: reads.count(), kept: cache.size }, { reads: 4, kept: 2 });
      const tiny = new DescriptorCache({ maxBytes: 100 });
      tiny.read(descriptor('a'));
      tiny.read(descriptor('a'));
      assert.deepEqual({ reads: reads.count(), kept: tiny.size }, { reads: 6, kept: 0 });
    } finally {
      reads.restore();
    }
  });
});
