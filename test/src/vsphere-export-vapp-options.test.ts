/**
 * Exports carry the vApp options: a VM or vApp imported with property values is exported with
 * its ProductSections (types, qualifiers, labels, the values set at import, no password value),
 * the OVF environment transport and the IP assignment section, and importing that export again
 * gives an entity with the same vApp options (the password given again).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataObject, ManagedObjectReference, VimSession } from '@ovfkit/vsphere';
import { destroyEntity, methods } from '@ovfkit/vsphere';
import { runCli } from './run-cli';
import { connect } from './sim/checks';
import { useSimulator } from './sim/simulator';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp } = packageScope('ovfkit-export-options-');

const PASSWORD = 'Sup3r-S3cret-pw-H6';
/** A value that would break out of an unescaped attribute, with a newline an attribute would lose. */
const HOSTILE_MOTD = 'Welcome "admin" <b>&amp;</b>\n\'quoted\' & more';

/** Two ProductSections (a class, and a class with an instance), every product field, typed properties. */
const VM_SECTIONS = [
  '<ProductSection ovf:class="acme"><Info>Acme web settings</Info><Product>Acme Web</Product><Vendor>Acme &amp; Sons</Vendor>',
  '<Version>2.1</Version><FullVersion>2.1.0-build7</FullVersion><ProductUrl>https://acme.example/web</ProductUrl>',
  '<VendorUrl>https://acme.example/</VendorUrl><AppUrl>http://${acme.hostname}/</AppUrl>',
  '<Property ovf:key="hostname" ovf:type="string" ovf:qualifiers="MinLen(1),MaxLen(63)" ovf:userConfigurable="true" ovf:value="localhost"><Label>Host name</Label><Description>FQDN of the web server</Description></Property>',
  '<Property ovf:key="motd" ovf:type="string" ovf:userConfigurable="true"><Label>Message of the day</Label></Property>',
  '<Property ovf:key="root_password" ovf:type="string" ovf:password="true" ovf:qualifiers="MinLen(8)" ovf:userConfigurable="true"><Label>Root password</Label></Property>',
  '<Category>Tuning</Category>',
  '<Property ovf:key="port" ovf:type="uint16" ovf:qualifiers="MinValue(1),MaxValue(65535)" ovf:userConfigurable="true" ovf:value="8080"/>',
  '<Property ovf:key="log_level" ovf:type="string" ovf:qualifiers=\'ValueMap{"debug","info","warn"}\' ovf:userConfigurable="true" ovf:value="info"/>',
  '<Property ovf:key="tls" ovf:type="boolean" ovf:userConfigurable="true" ovf:value="true"/>',
  '<Property ovf:key="ratio" ovf:type="real64" ovf:value="0.75"><Description>not user-configurable</Description></Property>',
  '</ProductSection>',
  '<ProductSection ovf:class="db" ovf:instance="1"><Info>database</Info><Product>Acme DB</Product>',
  '<Property ovf:key="address" ovf:type="string" ovf:qualifiers=\'Ip("VM Network")\' ovf:userConfigurable="true"/>',
  '<Property ovf:key="gateway" ovf:type="string" ovf:qualifiers=\'Gateway("VM Network")\'/>',
  '</ProductSection>',
  '<vmw:IpAssignmentSection ovf:required="false" vmw:protocols="IPv4,IPv6" vmw:schemes="ovfenv,dhcp"><Info>ip</Info></vmw:IpAssignmentSection>',
].join('\n');

/** The vApp's own ProductSection. */
const VAPP_SECTIONS = [
  '<ProductSection ovf:class="suite"><Info>suite</Info><Product>Acme Suite</Product><Vendor>Acme</Vendor><Version>3</Version>',
  '<Property ovf:key="admin_email" ovf:type="string" ovf:userConfigurable="true" ovf:value="root@localhost"><Label>Admin e-mail</Label></Property>',
  '<Property ovf:key="admin_password" ovf:type="string" ovf:password="true" ovf:userConfigurable="true"/>',
  '<Category>Scale</Category>',
  '<Property ovf:key="replicas" ovf:type="uint8" ovf:qualifiers=\'ValueMap{"1","3","5"}\' ovf:userConfigurable="true" ovf:value="1"/>',
  '</ProductSection>',
].join('\n');

const WEB_SECTIONS = '<ProductSection ovf:class="web"><Info>web</Info><Product>Suite Web</Product><Property ovf:key="port" ovf:type="uint16" ovf:userConfigurable="true" ovf:value="80"/></ProductSection>';

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

interface Options {
  product: DataObject[];
  /** Every field of each property but value/defaultValue, and `effective` = value || defaultValue (what the guest gets). */
  property: DataObject[];
  ovfEnvironmentTransport: unknown[];
  ipAssignment: unknown;
}

/** A VM's `config.vAppConfig` or a vApp's `vAppConfig`, as the server reports it now. */
async function optionsOf(session: VimSession, ref: ManagedObjectReference): Promise<Options> {
  const p = ref.type === 'VirtualMachine' ? 'config.vAppConfig' : 'vAppConfig';
  const cfg = ((await session.properties(ref, [p]))[p] ?? {}) as DataObject;
  return {
    product: asArray(cfg['product'] as DataObject | DataObject[] | undefined),
    property: asArray(cfg['property'] as DataObject | DataObject[] | undefined).map(({ value, defaultValue, ...rest }) => ({ ...rest, effective: String(value || defaultValue || '') })),
    ovfEnvironmentTransport: asArray(cfg['ovfEnvironmentTransport'] as unknown[] | undefined),
    ipAssignment: cfg['ipAssignment'],
  };
}

/** `ovfkit parse --json` of a package: must have no errors. */
async function parse(pkg: string): Promise<{ property?: DataObject[]; productInfo?: DataObject; error?: unknown[] }> {
  const r = await runCli(['parse', '--json', pkg]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { property?: DataObject[]; productInfo?: DataObject; error?: unknown[] };
  assert.deepEqual(out.error ?? [], [], 'the exported descriptor parses with no errors');
  return out;
}

/** A property's description: everything but its value. */
const described = ({ defaultValue: _d, ...rest }: DataObject): DataObject => rest;
const fullKey = (p: DataObject): string => [p['classId'], p['id'], p['instanceId']].filter(Boolean).join('.');

describe('export carries the vApp options (ProductSection, transport, IP assignment) and imports back the same', function () {
  this.timeout(180_000);
  const sim = useSimulator();
  let session: VimSession;
  let appliance: BuiltPackage;
  let suite: BuiltPackage;
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint, PW: PASSWORD });

  async function importCli(pkg: string, name: string, props: string[]): Promise<ManagedObjectReference> {
    const r = await runCli(['import', pkg, '--pool', 'DC0_C0/Resources', '--name', name, ...props, '--json'], env());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return (JSON.parse(r.stdout) as { entity: ManagedObjectReference }).entity;
  }

  /** Exports to an OVA; checks no password value is in it or in what the CLI printed; its descriptor. */
  async function exportCli(entity: ManagedObjectReference, out: string): Promise<string> {
    const r = await runCli(['export', `${entity.type}:${entity.value}`, out, '--json'], env());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(PASSWORD), 'no password in what export printed');
    assert.ok(!fs.readFileSync(out).includes(PASSWORD), 'no password value anywhere in the exported package');
    const ovf = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n').find((n) => n.endsWith('.ovf'))!;
    return execFileSync('tar', ['-xOf', out, ovf], { encoding: 'utf8' });
  }

  before(async () => {
    appliance = await buildOva(path.join(tmp, 'appliance'), 'appliance', [{ id: 'app01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'], sections: VM_SECTIONS, transport: 'com.vmware.guestInfo iso' }]);
    suite = await buildOva(path.join(tmp, 'suite'), 'suite', [
      { id: 'web01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'], sections: WEB_SECTIONS, transport: 'com.vmware.guestInfo' },
      { id: 'db01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'] },
    ], { vappName: 'suite', vappSections: VAPP_SECTIONS });
    session = await connect(sim());
  });
  after(async () => session?.logout());

  it('a VM: the export has the same property keys, types, qualifiers and labels, the values set at import and no password; imported again it has the same vApp options', async () => {
    const first = await importCli(appliance.ova, 'opts-a', ['--prop', 'acme.hostname=web01.example', '--prop', `acme.motd=${HOSTILE_MOTD}`, '--prop', 'acme.log_level=debug', '--prop', 'db.address.1=10.0.0.5', '--prop-env', 'acme.root_password=PW']);
    const before = await optionsOf(session, first);
    assert.equal(before.property.length, 9, 'the import kept all nine properties');
    assert.equal(before.property.find((p) => p['id'] === 'root_password')?.['effective'], PASSWORD, 'the server keeps the password value (the guest needs it)');

    const out = path.join(tmp, 'opts-a.ova');
    const descriptor = await exportCli(first, out);
    assert.match(descriptor, /<VirtualHardwareSection ovf:transport="com\.vmware\.guestInfo iso">/, 'the OVF environment transports are on the VirtualHardwareSection');
    assert.match(descriptor, /<vmw:IpAssignmentSection ovf:required="false" vmw:protocols="IPv4,IPv6" vmw:schemes="ovfenv,dhcp">/);
    assert.match(descriptor, /<Property ovf:key="root_password" ovf:type="string" ovf:qualifiers="MinLen\(8\)" ovf:userConfigurable="true" ovf:password="true">/, 'the password property is there, without a value');

    const original = await parse(appliance.ova);
    const exported = await parse(out);
    assert.deepEqual(exported.productInfo, original.productInfo, 'the first product (name, vendor, versions, URLs) is the same');
    assert.deepEqual(exported.property?.map(described), original.property?.map(described), 'same keys, classes, instances, vApp types (ranges, value maps, ip network), categories, labels, descriptions, userConfigurable');
    assert.deepEqual(Object.fromEntries((exported.property ?? []).map((p) => [fullKey(p), p['defaultValue']])), {
      'acme.hostname': 'web01.example',
      'acme.motd': HOSTILE_MOTD,
      'acme.root_password': '',
      'acme.port': '8080',
      'acme.log_level': 'debug',
      'acme.tls': 'true',
      'acme.ratio': '0.75',
      'db.address.1': '10.0.0.5',
      'db.gateway.1': '${gateway:VM Network}',
    }, 'each property\'s value is the one set at import (or its default); the password has none');

    const second = await importCli(out, 'opts-b', ['--prop-env', 'acme.root_password=PW']);
    assert.deepEqual(await optionsOf(session, second), before, 'products, properties (types, values, password given again), transport and IP assignment are the first VM\'s');
  });

  it('a vApp: its own properties and its VMs\' are exported (no password) and imported again the same', async () => {
    const first = await importCli(suite.ova, 'suite-a', ['--prop', 'suite.admin_email=ops@acme.example', '--prop', 'suite.replicas=3', '--prop', 'web.port=9090', '--prop-env', 'suite.admin_password=PW']);
    const own = await optionsOf(session, first);
    assert.deepEqual(own.property.map((p) => `${fullKey(p)}=${String(p['effective'])} ${String(p['type'])}`), ['suite.admin_email=ops@acme.example string', `suite.admin_password=${PASSWORD} password`, 'suite.replicas=3 int(1..5)']);

    const out = path.join(tmp, 'suite-a.ova');
    const descriptor = await exportCli(first, out);
    assert.ok(descriptor.indexOf('<ProductSection ovf:class="suite">') < descriptor.indexOf('<VirtualSystem '), 'the vApp\'s ProductSection comes before its VirtualSystems');
    const original = await parse(suite.ova);
    const exported = await parse(out);
    const byKey = (list: DataObject[] | undefined): Record<string, DataObject> => Object.fromEntries((list ?? []).map((p) => [fullKey(p), described(p)]));
    assert.deepEqual(byKey(exported.property), byKey(original.property), 'the vApp\'s and the VMs\' properties: same keys, types, labels');
    assert.deepEqual(Object.fromEntries((exported.property ?? []).map((p) => [fullKey(p), p['defaultValue']])), {
      'suite.admin_email': 'ops@acme.example',
      'suite.admin_password': '',
      'suite.replicas': '3',
      'web.port': '9090',
    });

    const vms = async (app: ManagedObjectReference): Promise<Record<string, Options>> => {
      const refs = asArray((await session.properties(app, ['vm']))['vm'] as ManagedObjectReference | ManagedObjectReference[] | undefined);
      const out: Record<string, Options> = {};
      for (const ref of refs) out[String((await session.properties(ref, ['name']))['name'])] = await optionsOf(session, ref);
      return out;
    };
    const firstVms = await vms(first);
    assert.deepEqual(Object.keys(firstVms).sort(), ['db01', 'web01']);
    assert.deepEqual(firstVms['web01']?.ovfEnvironmentTransport, ['com.vmware.guestInfo']);
    assert.equal(firstVms['web01']?.property.find((p) => p['id'] === 'port')?.['effective'], '9090');

    // The VMs keep their names (web01, db01) and so their datastore folders: the first vApp goes first.
    await destroyEntity(session, first);
    const second = await importCli(out, 'suite-b', ['--prop-env', 'suite.admin_password=PW']);
    assert.deepEqual(await optionsOf(session, second), own, 'the vApp\'s own options are the first vApp\'s');
    assert.deepEqual(await vms(second), firstVms, 'each VM of the vApp has the same vApp options as before');
  });

  it('writes each Category before the properties it groups, properties without one first, everything escaped', async () => {
    const vm = await importCli(appliance.ova, 'opts-cat', ['--prop-env', 'acme.root_password=PW']);
    const added = [
      { key: 100, classId: 'acme', id: 'cache_mb', category: 'Tuning <advanced> & "more"', type: 'int(16..4096)', value: '256', label: 'Cache & buffers', userConfigurable: true },
      { key: 101, classId: 'acme', id: 'banner', category: 'Look', type: 'string', defaultValue: 'hi\tthere', userConfigurable: true },
      { key: 102, classId: 'acme', id: 'threads', category: 'Tuning <advanced> & "more"', type: 'int', value: '4', userConfigurable: false },
    ];
    await session.waitForTask(await session.client.send(new methods.ReconfigVMTask({ _this: vm, spec: { vAppConfig: { _typeName: 'VmConfigSpec', property: added.map((info) => ({ operation: 'add', info })) } } })));

    const out = path.join(tmp, 'opts-cat.ova');
    const descriptor = await exportCli(vm, out);
    const acme = /<ProductSection ovf:class="acme">([\s\S]*?)<\/ProductSection>/.exec(descriptor)?.[1] ?? '';
    const sequence = [...acme.matchAll(/<(Category)>([^<]*)<\/Category>|<Property ovf:key="([^"]+)"/g)].map((m) => (m[1] ? `[${m[2]}]` : m[3]));
    assert.deepEqual(sequence, ['hostname', 'motd', 'root_password', '[Tuning]', 'port', 'log_level', 'tls', 'ratio', '[Tuning &lt;advanced&gt; &amp; &#34;more&#34;]', 'cache_mb', 'threads', '[Look]', 'banner']);

    const exported = await parse(out);
    const category = Object.fromEntries((exported.property ?? []).filter((p) => p['classId'] === 'acme').map((p) => [p['id'], p['category'] ?? null]));
    assert.deepEqual(category, { hostname: null, motd: null, root_password: null, port: 'Tuning', log_level: 'Tuning', tls: 'Tuning', ratio: 'Tuning', cache_mb: 'Tuning <advanced> & "more"', threads: 'Tuning <advanced> & "more"', banner: 'Look' });
    const cache = exported.property?.find((p) => p['id'] === 'cache_mb');
    assert.deepEqual([cache?.['type'], cache?.['label'], cache?.['defaultValue'], cache?.['userConfigurable']], ['int(16..4096)', 'Cache & buffers', '256', true]);
    assert.equal(exported.property?.find((p) => p['id'] === 'banner')?.['defaultValue'], 'hi\tthere', 'a tab in an attribute survives (escaped as a character reference)');
  });
});
