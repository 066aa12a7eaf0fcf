/**
 * The OvfImport provider keeps the descriptors its checks read by content (core's DescriptorCache,
 * one per provider process): a check of bytes already planned does not parse them for the plan
 * again, wherever they are; a file changed in place is another digest, parsed and planned anew.
 * Parses are counted as calls of core's envelope reader, as create-calls.test.ts counts them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createOvfImportProvider, defaultBackend } from '@ovfkit/pulumi';

import { countEnvelopeReads } from '../envelope-reads';

/** A descriptor of its own (no other test plans these bytes), `memoryMB` of memory. */
const descriptor = (memoryMB: number): string => `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References/>
  <VirtualSystem ovf:id="check-cache-vm">
    <Info>a vm</Info>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>${memoryMB}</rasd:VirtualQuantity></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`;

describe('OvfImport check(): descriptors kept by content, not by path', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-check-cache-')); });
  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  it('plans bytes it planned before without parsing them for the plan again, and a file changed in place anew', async () => {
    const provider = createOvfImportProvider(() => defaultBackend());
    const a = path.join(tmp, 'a', 'app.ovf');
    const b = path.join(tmp, 'b', 'app.ovf');
    for (const f of [a, b]) fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(a, descriptor(512));
    fs.writeFileSync(b, descriptor(512));
    const step = async (source: string): Promise<{ parses: number; memoryMB: number | undefined; digest: string }> => {
      const reads = countEnvelopeReads();
      try {
        const r = await provider.check({}, { source, name: 'cache-vm', hostProfile: 'esxi-8.0' });
        assert.deepEqual(r.failures, []);
        const plan = JSON.parse(r.inputs.plan as string) as { vms: { memoryMB?: number }[]; descriptorDigest: string };
        return { parses: reads.count(), memoryMB: plan.vms[0]?.memoryMB, digest: plan.descriptorDigest };
      } finally {
        reads.restore();
      }
    };
    const first = await step(a);
    const again = await step(a);
    const otherPath = await step(b);
    fs.writeFileSync(a, descriptor(1024));
    const changed = await step(a);
    const changedAgain = await step(a);
    // The plan's parse is the one kept: every check that plans known bytes parses one fewer time
    // than the first check of new bytes (which may parse for more than the plan).
    assert.ok(first.parses >= 1);
    assert.deepEqual(
      [again, otherPath, changed, changedAgain].map((s) => ({ parses: first.parses - s.parses, memoryMB: s.memoryMB, sameDigest: s.digest === first.digest })),
      [
        { parses: 1, memoryMB: 512, sameDigest: true },
        { parses: 1, memoryMB: 512, sameDigest: true },
        { parses: 0, memoryMB: 1024, sameDigest: false },
        { parses: 1, memoryMB: 1024, sameDigest: false },
      ],
    );
  });
});
