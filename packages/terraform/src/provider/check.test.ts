import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import { attributePath } from '../protocol/messages';
import { UNKNOWN } from '../protocol/values';
import { checkImport } from './check';

const minimal = path.join(__dirname, '..', '..', '..', '..', 'examples', 'minimal', 'minimal.ovf');

describe('ovfkit_import parallel_disks', () => {
  it('is refused on its attribute unless a whole number from 1 to 32 (core\'s rule); unknown or absent is no error', async () => {
    for (const bad of [0, 33, 2.5]) {
      assert.deepEqual((await checkImport({ source: minimal, parallel_disks: bad }, {})).diagnostics, [
        { severity: 'ERROR', summary: 'parallel_disks is not a number of connections', detail: `parallel_disks must be a whole number from 1 to 32, got ${bad}`, attribute: attributePath('parallel_disks') },
      ]);
    }
    for (const fine of [1, 32, UNKNOWN, null]) {
      const d = (await checkImport({ source: minimal, parallel_disks: fine }, {})).diagnostics;
      assert.deepEqual(d.filter((x) => x.attribute !== undefined && JSON.stringify(x.attribute).includes('parallel_disks')), [], String(fine));
    }
  });
});
