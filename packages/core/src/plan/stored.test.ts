import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createPlan } from './index';
import { storedPlan } from './stored';

const OVF = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References/>
  <VirtualSystem ovf:id="vm">
    <Info>A VM</Info>
    <EulaSection><Info>License</Info><License>Use it well.</License></EulaSection>
    <VirtualHardwareSection><Info>hw</Info>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>256</rasd:VirtualQuantity></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>`;

describe('storedPlan (the plan as front ends keep it in state)', () => {
  it('is the plan with each EULA text as its SHA-256, as plain JSON data; everything else equal', () => {
    const { plan } = createPlan(OVF, { importOption: ['acceptAllEulas'] });
    assert.deepEqual(plan.eula.texts, ['Use it well.']);
    const stored = storedPlan(plan);
    const { eula, ...rest } = stored;
    const { eula: _eula, ...planRest } = plan;
    assert.deepEqual(eula, { count: 1, accepted: true, textsSha256: [createHash('sha256').update('Use it well.').digest('hex')] });
    assert.deepEqual(rest, JSON.parse(JSON.stringify(planRest)));
    assert.equal(JSON.stringify(stored).includes('Use it well.'), false);
  });
});
