import * as assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { resolveConnection, SecretString } from './connection';

const config = (values: Record<string, string>) => ({ get: (k: string) => values[k] });

describe('the provider connection', () => {
  it('comes from the ovfkit:* stack config first, whatever the environment says', () => {
    const c = resolveConnection(config({ 'ovfkit:server': 'vc1', 'ovfkit:user': 'ci', 'ovfkit:password': 'p1', 'ovfkit:insecure': 'true' }),
      { VSPHERE_SERVER: 'vc2', VSPHERE_PASSWORD: 'p2' });
    assert.equal(c?.server, 'vc1');
    assert.equal(c?.password.reveal(), 'p1');
    assert.equal(c?.insecure, true);
    assert.equal(c?.origin, 'config');
  });

  it('falls back to VSPHERE_* variables, and is absent when no server is named', () => {
    const c = resolveConnection(config({}), { VSPHERE_SERVER: 'vc2', VSPHERE_USER: 'u', VSPHERE_PASSWORD: 'p2', VSPHERE_THUMBPRINT: 'AA:BB', VSPHERE_ALLOW_UNVERIFIED_SSL: '1' });
    assert.deepEqual({ ...c, password: c?.password.reveal() }, { server: 'vc2', user: 'u', password: 'p2', thumbprint: 'AA:BB', insecure: true, origin: 'environment' });
    assert.equal(resolveConnection(undefined, {}), undefined);
  });

  it('takes a resource\'s connection input before any stack config, and never mixes it with the stack\'s', () => {
    const stack = config({ 'ovfkit:server': 'vc1', 'ovfkit:password': 'p1' });
    const c = resolveConnection(stack, { VSPHERE_SERVER: 'vc3' }, { server: 'vc2', user: 'u2', password: 'p2', thumbprint: 'CC:DD' });
    assert.deepEqual({ ...c, password: c?.password.reveal() }, { server: 'vc2', user: 'u2', password: 'p2', thumbprint: 'CC:DD', insecure: false, origin: 'resource' });
    // A connection without a server is a check failure, not "use the stack's".
    assert.equal(resolveConnection(stack, {}, { user: 'u2' } as never), undefined);
  });

  it('falls back to the vsphere:* keys of @pulumi/vsphere after ovfkit:* and before VSPHERE_*', () => {
    const vsphere = { 'vsphere:vsphereServer': 'vc-v', 'vsphere:user': 'vu', 'vsphere:password': 'vp', 'vsphere:allowUnverifiedSsl': 'true' };
    const c = resolveConnection(config(vsphere), { VSPHERE_SERVER: 'vc-env' });
    assert.deepEqual({ ...c, password: c?.password.reveal() }, { server: 'vc-v', user: 'vu', password: 'vp', insecure: true, origin: 'vsphere-config' });
    assert.equal(resolveConnection(config({ ...vsphere, 'ovfkit:server': 'vc-o' }), {})?.origin, 'config');
    assert.equal(resolveConnection(config({ 'vsphere:vcenterServer': 'vc-old', 'vsphere:user': 'vu' }), {})?.server, 'vc-old', 'the older key name still counts');
    assert.equal(resolveConnection(config({ 'vsphere:user': 'vu' }), { VSPHERE_SERVER: 'vc-env' })?.origin, 'environment', 'no vsphere server: on to the environment');
  });

  it('never prints the password: not in String(), JSON or util.inspect', () => {
    const c = resolveConnection(config({ 'ovfkit:server': 'vc1', 'ovfkit:password': 'hunter2-secret' }), {});
    for (const text of [String(c?.password), JSON.stringify(c), inspect(c, { depth: 5 }), `${new SecretString('hunter2-secret')}`]) {
      assert.ok(!text.includes('hunter2-secret'), text);
    }
  });
});
