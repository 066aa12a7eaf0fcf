/**
 * Hostile CreateImportSpec parameters over real descriptors: whatever the mappings, names and
 * options, the local OvfManager answers with data (never throws) and never echoes a password.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPlan, LocalOvfManager } from '@ovfkit/core';
import { readCorpus } from './corpus';
import { describeCorpus } from './paths';

const PASSWORD_KEY = 'guestinfo.cis.appliance.root.passwd';

describeCorpus('the local OvfManager under hostile parameters', () => {
  const vcsa = readCorpus('ovf/govmomi/vmware-appliances/vcsa65.ovf');
  const photon = readCorpus('ovf/govmomi/cloud-images/photon5.ovf');

  it('answers every combination of mappings, names and options with data, never an exception', () => {
    fc.assert(
      fc.property(
        fc.record({
          entityName: fc.string(),
          deploymentOption: fc.oneof(fc.constant(''), fc.constantFrom('tiny', 'small', 'xlarge-xlstorage'), fc.string()),
          locale: fc.oneof(fc.constant(''), fc.string()),
          diskProvisioning: fc.oneof(fc.constant(undefined), fc.constantFrom('thin', 'thick', 'flat', 'seSparse'), fc.string()),
          ipAllocationPolicy: fc.oneof(fc.constant(undefined), fc.constantFrom('dhcpPolicy', 'fixedPolicy'), fc.string()),
          ipProtocol: fc.oneof(fc.constant(undefined), fc.constantFrom('IPv4', 'IPv6'), fc.string()),
          networkMapping: fc.dictionary(fc.oneof(fc.constant('Network 1'), fc.string()), fc.string(), { maxKeys: 3 }),
          propertyMapping: fc.dictionary(fc.oneof(fc.constantFrom('guestinfo.cis.appliance.net.prefix', 'guestinfo.cis.appliance.ssh.enabled'), fc.string()), fc.string(), { maxKeys: 4 }),
        }),
        (o) => {
          const opts = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
          const r = createPlan(vcsa, opts);
          assert.equal(typeof r.plan.ok, 'boolean');
          assert.equal(r.createImportSpec.importSpec === undefined, (r.createImportSpec.error ?? []).length > 0);
          JSON.stringify(r);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never shows a password value in the plan or in any issue, whatever the value', () => {
    fc.assert(
      // A marker keeps the check honest: a bare word like "length" is in any EULA text anyway.
      fc.property(fc.string().map((s) => `pw\u00a7${s}\u00a7`), (secret) => {
        const { plan, createImportSpec } = createPlan(vcsa, { propertyMapping: { [PASSWORD_KEY]: secret } });
        const asJson = JSON.stringify(secret).slice(1, -1);
        assert.ok(!JSON.stringify(plan).includes(asJson), 'not in the plan');
        assert.ok(!JSON.stringify([createImportSpec.error ?? [], createImportSpec.warning ?? []]).includes(asJson), 'not in an issue');
        assert.equal(plan.properties.find((p) => p.id === PASSWORD_KEY)?.value, '********');
      }),
      { numRuns: 60 },
    );
  });

  it('takes arbitrary host, pool and datastore references without an inventory, and refuses them with one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (pool, ds) => {
        const r = await new LocalOvfManager().createImportSpec(photon.toString('utf8'), pool, ds, { locale: '', deploymentOption: '', entityName: 'x' });
        assert.ok(r.importSpec || r.error);
      }),
      { numRuns: 40 },
    );
  });
});
