import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { OvfImport, OvfLibraryItem, OvfTesting } from './index';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');
const cli = `node ${path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js')}`;
const placement = { datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0' } as const;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-library-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const newStack = (): TerraformStack => new TerraformStack(Testing.app({ outdir: fs.mkdtempSync(path.join(scratch, 'out-')) }), 'test');

interface Data {
  input?: Record<string, unknown>;
  triggers_replace: Record<string, unknown>;
  depends_on?: string[];
  provisioner: { 'local-exec': { command: string; when?: string; environment?: Record<string, string> } }[];
}
const resources = (stack: TerraformStack): Record<string, Data> => (JSON.parse(Testing.synth(stack)) as { resource: { terraform_data: Record<string, Data> } }).resource.terraform_data;

describe('OvfLibraryItem and OvfImport from a library item (CDKTF, terraformData)', () => {
  it('synthesizes the publish and delete provisioners, and a deployment that depends on the item and names it', () => {
    const stack = newStack();
    const item = new OvfLibraryItem(stack, 'Minimal', { source: minimalOvf, library: 'templates', item: 'minimal' });
    new OvfImport(stack, 'App', { libraryItem: item, name: 'app01', ...placement, networkMapping: { 'VM Network': 'VM Network' }, propertyMapping: { hostname: 'app01' } });
    assert.deepEqual(OvfTesting.errors(stack), []);
    const all = resources(stack);
    const ids = Object.keys(all).sort();
    assert.deepEqual(ids.map((id) => id.replace(/_[0-9A-F]{8}$/, '')), ['App', 'App_Reconfigure', 'Minimal']);
    const published = all[ids.find((id) => id.startsWith('Minimal'))!]!;
    assert.deepEqual(published.triggers_replace, { library: 'templates', item: 'minimal', descriptorDigest: item.descriptor.descriptorDigest });
    assert.deepEqual(published.provisioner.map((p) => p['local-exec']), [
      { command: `${cli} library publish --library=templates --item=minimal -- ${minimalOvf}` },
      { command: `${cli} library delete --if-exists -- "$OVFKIT_LIBRARY_ITEM"`, when: 'destroy', environment: { OVFKIT_LIBRARY_ITEM: 'library:${self.triggers_replace.library}/${self.triggers_replace.item}' } },
    ]);
    const deployed = all[ids.find((id) => /^App_[0-9A-F]{8}$/.test(id))!]!;
    assert.deepEqual(deployed.depends_on, [`terraform_data.${ids.find((id) => id.startsWith('Minimal'))}`]);
    assert.equal(deployed.input!['source'], 'library:templates/minimal');
    assert.equal(deployed.triggers_replace['descriptorDigest'], item.descriptor.descriptorDigest, 'the deployment is keyed on the published package');
    assert.equal(deployed.provisioner[0]!['local-exec'].command,
      `${cli} import --expect-digest=${item.descriptor.descriptorDigest} --name=app01 --datacenter=DC0 --pool=/DC0/host/DC0_C0/Resources --datastore=LocalDS_0 --deployment-option=small '--net=VM Network=VM Network' --prop=hostname=app01 -- library:templates/minimal`);
  });

  it('synth checks the deployment against the descriptor being published: the same errors as an import of that package', () => {
    const wrong = { name: 'app01', ...placement, networkMapping: { 'Storage Net': 'VM Network' }, propertyMapping: { hostnme: 'app01' } };
    const fromItem = newStack();
    const item = new OvfLibraryItem(fromItem, 'Minimal', { source: minimalOvf, library: 'templates', item: 'minimal' });
    new OvfImport(fromItem, 'App', { libraryItem: item, ...wrong });
    const fromFile = newStack();
    new OvfImport(fromFile, 'App', { source: minimalOvf, ...wrong });
    const errors = OvfTesting.errors(fromItem);
    assert.deepEqual(errors, [
      { path: 'test/App', message: 'CreateImportSpec: networkMapping names OVF network "Storage Net", which the NetworkSection does not declare; allowed: VM Network; fix: map the networks the descriptor declares (the OvfDescriptor construct lists them) [OvfInvalidValueReference UNKNOWN_NETWORK_IN_MAPPING]' },
      { path: 'test/App', message: 'plan: Property key "hostnme" names no property of the package; did you mean "hostname"?; allowed: hostname, ip0, ntp_servers, root_password, log_level, workers; fix: use propertyMapping: { "hostname": "…" } [OvfInvalidValueReference UNKNOWN_PROPERTY_KEY]' },
    ]);
    assert.deepEqual(errors, OvfTesting.errors(fromFile));
    assert.throws(() => Testing.synth(fromItem, true), /Validation failed/);
  });

  it('refuses misuse at construction, naming the prop', () => {
    const stack = newStack();
    const item = new OvfLibraryItem(stack, 'Minimal', { source: minimalOvf, library: 'templates', item: 'minimal' });
    assert.throws(() => new OvfImport(stack, 'Both', { libraryItem: item, source: minimalOvf, ...placement }), /give exactly one of "source" \(path or URL of the package\), "descriptor" \(an OvfDescriptor\) and "libraryItem" \(an OvfLibraryItem\)/);
    assert.throws(() => new OvfImport(stack, 'Provider', { libraryItem: item, backend: 'provider', ...placement }), /"libraryItem" is not supported with backend "provider" yet/);
    assert.throws(() => new OvfLibraryItem(stack, 'Slash', { source: minimalOvf, library: 'a/b', item: 'x' }), /test\/Slash: "library" cannot contain "\/"/);
    assert.throws(() => new OvfLibraryItem(stack, 'Nested', { source: 'library:templates/minimal', library: 'templates', item: 'x' }), /"source" is the package to publish/);
  });

  /** An inventory snapshot of DC1 whose library "templates" holds the example package as item "minimal" (as inventory capture records it). */
  function snapshotWithItem(): string {
    const file = path.join(fs.mkdtempSync(path.join(scratch, 'inv-')), 'dc1.json');
    const descriptor = fs.readFileSync(minimalOvf);
    const disk = path.join(path.dirname(minimalOvf), 'minimal-disk1.vmdk');
    fs.writeFileSync(file, JSON.stringify({
      format: 'ovfkit.inventory/1',
      datacenter: { name: 'DC1', moref: 'datacenter-2' },
      folders: [{ name: 'vm', moref: 'group-v4', path: '/DC1/vm' }],
      hosts: [{ name: 'esx1.example.com', moref: 'host-10', profile: 'esxi-7.0u3', datastores: ['vmfs-01'], networks: ['VM Network'] }],
      datastores: [{ name: 'vmfs-01', moref: 'datastore-11', type: 'VMFS', capacity: 2199023255552, freeSpace: 429496729600 }],
      networks: [{ name: 'VM Network', moref: 'network-13', type: 'standard' }],
      resourcePools: [{ name: 'Resources', moref: 'resgroup-8', type: 'resourcePool', path: '/DC1/host/Cluster1/Resources', hosts: ['esx1.example.com'] }],
      libraries: [{ name: 'templates', id: 'lib-1', type: 'LOCAL', items: [{
        name: 'minimal', id: 'item-1', contentVersion: '2',
        files: [{ name: 'minimal.ovf', size: descriptor.length }, { name: 'minimal-disk1.vmdk', size: fs.statSync(disk).size }],
        descriptor: { name: 'minimal.ovf', digest: `sha256:${createHash('sha256').update(descriptor).digest('hex')}`, text: descriptor.toString('utf8') },
      }] }],
    }));
    return file;
  }

  it('a library: source whose item exists is checked at synth against the item captured in the inventory snapshot', () => {
    const inventory = snapshotWithItem();
    const at = { datacenter: 'DC1', resourcePool: '/DC1/host/Cluster1/Resources', datastore: 'vmfs-01', inventory };
    const wrong = { name: 'app01', ...at, networkMapping: { 'VM Network': 'no-such-pg' }, propertyMapping: { hostnme: 'app01' } };
    const fromItem = newStack();
    new OvfImport(fromItem, 'App', { source: 'library:templates/minimal', ...wrong });
    const fromFile = newStack();
    new OvfImport(fromFile, 'App', { source: minimalOvf, ...wrong });
    const errors = OvfTesting.errors(fromItem);
    assert.deepEqual(errors.map((e) => e.message.replace(/ \[.*$/, '').slice(0, 60)), [
      'CreateImportSpec: networkMapping sends "VM Network" to "no-s',
      'plan: Property key "hostnme" names no property of the packag',
    ]);
    assert.deepEqual(errors, OvfTesting.errors(fromFile), 'the captured item gets the verdict of the package it was published from');

    const ok = newStack();
    const app = new OvfImport(ok, 'App', { source: 'library:templates/minimal', name: 'app01', ...at, networkMapping: { 'VM Network': 'VM Network' }, propertyMapping: { hostname: 'app01' } });
    assert.deepEqual(OvfTesting.errors(ok), []);
    assert.equal(app.descriptor.descriptorDigest, `sha256:${createHash('sha256').update(fs.readFileSync(minimalOvf)).digest('hex')}`);
    const data = Object.values(resources(ok)).find((d) => d.input !== undefined)!;
    assert.match(data.provisioner[0]!['local-exec'].command, / -- library:templates\/minimal$/);

    assert.throws(() => new OvfImport(newStack(), 'NoSnapshot', { source: 'library:templates/minimal', ...placement }),
      /"library:templates\/minimal" is a content library item: give "inventory", a snapshot that captured it/);
    assert.throws(() => new OvfImport(newStack(), 'Unknown', { source: 'library:templates/nope', ...at }), /nope/);
  });
});
