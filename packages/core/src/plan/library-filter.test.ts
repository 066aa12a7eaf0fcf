import * as assert from 'node:assert/strict';
import { createPlan, judgeLibraryFilter, type LibraryOvfSummary } from './index';
import { OVF } from './plan.test';

/** vCenter's filter answer for plan.test's OVF, as the real API shapes it (vcenter.ovf.LibraryItem.OvfSummary). */
const AGREEING: LibraryOvfSummary = {
  name: 'app',
  EULAs: ['Be nice.'],
  networks: ['VM Network'],
  storage_groups: [],
  additional_params: [
    { type: 'PropertyParams', properties: [{ id: 'admin_password', type: 'password(12..)' }, { id: 'port', type: 'int' }] },
    { type: 'DeploymentOptionParams', deployment_options: [], selected_key: '' },
  ],
};

describe('vCenter\'s filter of a library item, merged into the plan', () => {
  it('adds nothing when the server reads the descriptor as the plan does', () => {
    const planned = createPlan(OVF, { importOption: ['acceptAllEulas'] });
    const before = structuredClone(planned.plan);
    judgeLibraryFilter(planned.plan, planned.parseDescriptor, { summary: AGREEING });
    assert.deepEqual(planned.plan, before);
  });

  it('a server reading that differs is a warning with both readings; storage groups are said to go to the datastore; a refusal is an error and ok turns false', () => {
    const planned = createPlan(OVF, { importOption: ['acceptAllEulas'] });
    const types = planned.parseDescriptor.property!.map((p) => `${p.id}: ${p.type}`);
    judgeLibraryFilter(planned.plan, planned.parseDescriptor, { summary: { ...AGREEING, networks: ['VM Network', 'backup'], additional_params: [{ type: 'PropertyParams', properties: [{ id: 'port', type: 'string' }] }], storage_groups: ['fast'] } });
    assert.deepEqual(planned.plan.warnings.filter((w) => w.source === 'libraryFilter').map((w) => [w.code, w.localizedMessage]), [
      ['LIBRARY_FILTER_MISMATCH', 'vCenter\'s filter of the library item reads the networks "VM Network", "backup"; the plan reads "VM Network"'],
      ['LIBRARY_FILTER_MISMATCH', `vCenter's filter of the library item reads the properties "port: string"; the plan reads ${types.sort().map((t) => JSON.stringify(t)).join(', ')}`],
      ['LIBRARY_FILTER_MISMATCH', 'vCenter\'s filter of the library item lists storage groups "fast"; ovfkit sends no storage mapping, so their disks go to the deployment\'s datastore'],
    ]);
    assert.equal(planned.plan.ok, true);
    // Judged again, the previous findings are replaced, not added to.
    const refused = { fault: { _typeName: 'OvfImportFailed' as const }, code: 'OvfImportFailed' as const, localizedMessage: 'refused' };
    judgeLibraryFilter(planned.plan, planned.parseDescriptor, { refused: [refused] });
    assert.deepEqual([planned.plan.ok, planned.plan.errors.filter((e) => e.source === 'libraryFilter'), planned.plan.warnings.filter((w) => w.source === 'libraryFilter')], [false, [{ ...refused, source: 'libraryFilter' }], []]);
  });

  it('the storage-group warning says how to choose the datastore in the words of the front end that planned', () => {
    const storage = (vocabulary: 'cli' | 'pulumi' | 'terraform'): unknown => {
      const planned = createPlan(OVF, { importOption: ['acceptAllEulas'] });
      judgeLibraryFilter(planned.plan, planned.parseDescriptor, { summary: { ...AGREEING, storage_groups: ['fast'] } }, vocabulary);
      return planned.plan.warnings.filter((w) => w.source === 'libraryFilter');
    };
    const warning = (fix: string): unknown => [{
      fault: { _typeName: 'OvfImportFailed' }, code: 'LIBRARY_FILTER_MISMATCH', source: 'libraryFilter', value: 'fast', fix,
      localizedMessage: 'vCenter\'s filter of the library item lists storage groups "fast"; ovfkit sends no storage mapping, so their disks go to the deployment\'s datastore',
    }];
    assert.deepEqual(storage('cli'), warning('choose the datastore with --datastore; per-group placement is not supported'));
    assert.deepEqual(storage('pulumi'), warning('choose the datastore with datastore: "<datastore>"; per-group placement is not supported'));
    assert.deepEqual(storage('terraform'), warning('choose the datastore with datastore = "<datastore>"; per-group placement is not supported'));
  });
});
