import * as assert from 'node:assert/strict';
// The corpus gate of the monorepo's tests (a test-only path: these files are not published).
import { itCorpus, readCorpus } from '../../../test/corpus-gate';
import { createOvfEnvironment, ovfEnvironmentProperties, readOvfEnvironment } from './ovf-environment';


describe('the OVF environment document (DSP8027)', () => {
  it('round-trips id, platform and every property through core\'s XML reader', () => {
    const env = {
      id: 'web',
      platform: { kind: 'VMware ESXi', version: '8.0.3', vendor: 'VMware, Inc.', locale: 'en', timezone: -300 },
      property: [
        { key: 'org.hostname', value: 'web01' },
        { key: 'app.port.1', value: '8080' },
        { key: 'empty', value: '' },
      ],
    };
    const xml = createOvfEnvironment(env);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Environment xmlns="http:\/\/schemas.dmtf.org\/ovf\/environment\/1"/);
    assert.deepEqual(readOvfEnvironment(xml), env);
  });

  it('escapes hostile values so they come back byte for byte and add no element', () => {
    const hostile = [
      '"/><Property oe:key="admin" oe:value="yes',
      "it's <b>&amp; &lt; ]]> &#0;",
      'line one\nline two\r\n\ttabbed  two spaces',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
      'emoji \u{1F600} and \uFFFD',
    ];
    const xml = createOvfEnvironment({ id: 'a"<&', property: hostile.map((value, i) => ({ key: `k${i}`, value })) });
    const back = readOvfEnvironment(xml);
    assert.equal(back.id, 'a"<&');
    assert.deepEqual(back.property.map((p) => p.value), hostile);
    assert.deepEqual(back.property.map((p) => p.key), ['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('refuses a value XML cannot carry, naming the key but not the value', () => {
    assert.throws(
      () => createOvfEnvironment({ id: 'vm', property: [{ key: 'db.password', value: 'S3cret\u0000' }] }),
      (e: Error) => /db\.password/.test(e.message) && !e.message.includes('S3cret'),
    );
  });

  it('includes password properties with their effective value: the guest needs them', () => {
    const props = ovfEnvironmentProperties([
      { classId: 'db', id: 'password', value: 'S3cret!', defaultValue: '' },
      { id: 'hostname', value: '', defaultValue: 'localhost' },
      { classId: 'net', id: 'ip', instanceId: '1', value: '10.0.0.5' },
    ]);
    assert.deepEqual(props, [
      { key: 'db.password', value: 'S3cret!' },
      { key: 'hostname', value: 'localhost' },
      { key: 'net.ip.1', value: '10.0.0.5' },
    ]);
    assert.equal(readOvfEnvironment(createOvfEnvironment({ id: '', property: props })).property[0]?.value, 'S3cret!');
  });

  itCorpus('reads the real environment documents of the corpus', () => {
    const ci = readOvfEnvironment(readCorpus('ovf/cloud-init/ovf-env.xml'));
    assert.equal(ci.id, 'WebTier');
    assert.equal(ci.property.find((p) => p.key === 'hostname')?.value, 'ubuntuhost');
    assert.equal(ci.property.find((p) => p.key === 'instance-id')?.value, 'i-abcdefg');
    // The cloud-init example writes oe:PlatformSection: same namespace, same section.
    assert.equal(ci.platform?.kind, 'ESX Server');
    const az = readOvfEnvironment(readCorpus('ovf/walinuxagent/ovf-env.xml'));
    assert.equal(typeof az.id, 'string');
  });

  it('refuses a document that is not an OVF environment', () => {
    assert.throws(() => readOvfEnvironment('<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"/>'), /not an OVF environment/);
  });
});
