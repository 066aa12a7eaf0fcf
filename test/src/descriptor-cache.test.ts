/**
 * Core's DescriptorCache shares one read model between every plan of the same bytes, so nothing
 * downstream of the reader may write to it: every corpus descriptor is read once, its model frozen
 * (a write then throws, in strict code), and planned for several choices over the frozen model;
 * each plan must equal the plan of a fresh, uncached read.
 */
import * as assert from 'node:assert/strict';

import { createPlan, DescriptorCache, type PlanOptions } from '@ovfkit/core';

import { provenance, readCorpus } from './corpus';
import { itCorpus } from './paths';

/** Freezes `v` and everything it reaches. */
function deepFreeze(v: unknown, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (v instanceof Map) for (const [k, x] of v) { deepFreeze(k, seen); deepFreeze(x, seen); }
  if (v instanceof Set) for (const x of v) deepFreeze(x, seen);
  for (const k of Reflect.ownKeys(v)) deepFreeze((v as Record<PropertyKey, unknown>)[k], seen);
  Object.freeze(v);
}

/**
 * Choices that resolve differently over one model: default, another option and name, mappings,
 * EULAs accepted; then choices that share the kept resolution of an earlier one (same option,
 * locale and bundle) but not its name or mapping, so that what one plan set would show in the next.
 */
const CHOICES: PlanOptions[] = [
  {},
  { deploymentOption: 'large', entityName: 'renamed', locale: 'de' },
  { networkMapping: { 'VM Network': 'pg' }, propertyMapping: { hostname: 'h1', 'vami.hostname': 'h2', password: 'p' }, diskProvisioning: 'thin' },
  { importOption: ['acceptAllEulas'], hostProfile: 'esxi-6.5u3' },
  { entityName: 'vm-2', propertyMapping: { hostname: 'h3', 'guestinfo.cis.appliance.net.addr': '10.0.0.1', 'vm.vmname': 'x' } },
  { deploymentOption: 'large', locale: 'de' },
  {},
];

describe('DescriptorCache over the corpus: the shared model is never written to', function () {
  this.timeout(300_000);
  itCorpus('plans every corpus descriptor over its frozen model as a fresh read plans it', () => {
    const files = provenance().filter((r) => r.kind === 'descriptor').map((r) => r.localPath);
    assert.ok(files.length > 50);
    const differ: string[] = [];
    for (const file of files) {
      const bytes = readCorpus(file);
      // The kept models and resolutions frozen: a write downstream throws.
      const cache = new DescriptorCache({ freeze: true });
      deepFreeze(cache.read(bytes).envelope);
      for (const [i, choice] of CHOICES.entries()) {
        const fresh = JSON.stringify(createPlan(bytes, choice));
        let kept: string;
        try {
          kept = JSON.stringify(createPlan(bytes, { ...choice, descriptorCache: cache }));
        } catch (e) {
          kept = `threw ${(e as Error).message}`;
        }
        if (kept !== fresh) differ.push(`${file} choice ${i}: ${kept.slice(0, 200)}`);
      }
      assert.equal(cache.size, 1);
    }
    assert.deepEqual(differ, []);
  });
});
