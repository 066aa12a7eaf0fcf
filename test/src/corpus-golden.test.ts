/**
 * Golden ParseDescriptor results for a representative set of corpus descriptors, so that any change
 * of fields or wording shows in review. Regenerate only on purpose: OVFKIT_UPDATE_GOLDEN=1.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDescriptor } from '@ovfkit/core';
import { assertGolden, readCorpus } from './corpus';
import { describeCorpus, repoRoot } from './paths';

const GOLDEN = path.join(repoRoot, 'test', 'golden', 'parse');

const cases: { name: string; file: string; locale?: string; deploymentOption?: string; about: string }[] = [
  { name: 'vcsa65', file: 'ovf/govmomi/vmware-appliances/vcsa65.ovf', about: 'vCSA 6.5 with 31 deployment options' },
  // "tiny" is vcsa65's default, so a non-default option is what shows pdp.deploymentOption at work.
  { name: 'vcsa65-large', file: 'ovf/govmomi/vmware-appliances/vcsa65.ovf', deploymentOption: 'large', about: 'vCSA 6.5 in its "large" option' },
  { name: 'vapp-3-vms', file: 'ovf/go-vcloud-director/vapp_with_3_vms/descriptor.ovf', about: 'a multi-VM vApp (vCloud Director, StartupSection)' },
  { name: 'nested-vapp', file: 'ovf/govmomi/external/nested-vapp.ovf', about: 'nested VirtualSystemCollections' },
  { name: 'operations-fr', file: 'ovf/govmomi/vmware-appliances/Operations-Appliance-9.1.0.0.25262067.ovf', locale: 'fr', about: 'the Operations appliance localised in French' },
  { name: 'virtualbox-2.0', file: 'ovf/cot/ubuntu.2.0.ovf', about: 'a VirtualBox OVF 2.0 export' },
];

describeCorpus('golden ParseDescriptor results', () => {
  for (const c of cases) {
    it(`${c.about} matches test/golden/parse/${c.name}.json`, () => {
      const bytes = readCorpus(c.file);
      const result = parseDescriptor(bytes, { locale: c.locale ?? '', deploymentOption: c.deploymentOption ?? '' });
      const actual = JSON.stringify(result, null, 2) + '\n';
      assertGolden(GOLDEN, c.name, actual);
    });
  }

  it('the vCSA golden has the 31 deployment options and the French one French labels', () => {
    const vcsa = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'vcsa65.json'), 'utf8')) as { deploymentOption: unknown[]; error: unknown[] };
    assert.equal(vcsa.deploymentOption.length, 31);
    assert.deepEqual(vcsa.error, []);
    const fr = parseDescriptor(readCorpus(cases[4]!.file), { locale: 'fr', deploymentOption: '' });
    const en = parseDescriptor(readCorpus(cases[4]!.file), { locale: '', deploymentOption: '' });
    assert.notDeepEqual(fr.deploymentOption, en.deploymentOption, 'the French bundle changes the option labels');
  });

  it('a non-default deployment option changes the vCSA result (sizes), so the two vCSA goldens differ', () => {
    const byDefault = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'vcsa65.json'), 'utf8')) as { approximateFlatDeploymentSize: number; defaultDeploymentOption: string };
    const large = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'vcsa65-large.json'), 'utf8')) as { approximateFlatDeploymentSize: number };
    assert.equal(byDefault.defaultDeploymentOption, 'tiny');
    assert.ok(large.approximateFlatDeploymentSize > byDefault.approximateFlatDeploymentSize, 'large needs more space than tiny');
  });
});
