import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack, type App } from 'cdktf';
// The corpus gate of the monorepo's tests (a test-only path: these files are not published).
import { corpusRoot, itCorpus } from '../../../test/corpus-gate';
import { OvfDescriptor, OvfExport, type OvfExportProps, OvfImport, type OvfImportProps, OvfTesting, fromEnv } from './index';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');
const corpus = (p: string): string => path.join(corpusRoot, 'ovf', p);

const placement = { datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0' } as const;

/**
 * One folder for everything this file writes, removed when the run ends: cdktf's `Testing.app()`
 * (and `Testing.synthScope`) would otherwise leave a `cdktf.outdir.*` in /tmp per stack.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(scratch, prefix));

function newStack(): { app: App; stack: TerraformStack } {
  const app = Testing.app({ outdir: tempDir('cdktf.out-') });
  return { app, stack: new TerraformStack(app, 'test') };
}

interface SynthesizedData {
  input: Record<string, unknown>;
  triggers_replace: Record<string, unknown> & { descriptorDigest: string };
  provisioner: { 'local-exec': { command: string; when?: string; environment?: Record<string, string> } }[];
}

function terraformData(synthesized: string): Record<string, SynthesizedData> {
  const json = JSON.parse(synthesized) as { resource?: { terraform_data?: Record<string, SynthesizedData> } };
  return json.resource?.terraform_data ?? {};
}

function onlyData(synthesized: string): SynthesizedData {
  const all = Object.values(terraformData(synthesized));
  assert.equal(all.length, 1, 'exactly one terraform_data');
  return all[0]!;
}

/** The two terraform_data of one OvfImport: the import, and the in-place `Reconfigure` record. */
function importData(synthesized: string): SynthesizedData & { reconfigure: SynthesizedData } {
  const all = Object.entries(terraformData(synthesized));
  assert.equal(all.length, 2, 'the import and its Reconfigure record');
  const reconfigure = all.find(([id]) => id.includes('_Reconfigure_'));
  const imported = all.find(([id]) => !id.includes('_Reconfigure_'));
  assert.ok(reconfigure && imported, all.map(([id]) => id).join(', '));
  return { ...imported[1], reconfigure: reconfigure[1] };
}

/** The CLI @ovfkit/cdktf depends on, as the provisioners run it (outside the test projects: absolute). */
const cli = `node ${path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js')}`;

/** The messages of the annotations on a construct, by level. */
function annotations(construct: { node: { metadata: { type: string; data: unknown }[] } }, type: string): string[] {
  return construct.node.metadata.filter((m) => m.type === type).map((m) => String(m.data));
}

describe('OvfDescriptor', () => {
  it('exposes the networks, properties, deployment options, sizes and hardware of the example OVF', () => {
    const { stack } = newStack();
    const d = new OvfDescriptor(stack, 'Minimal', { source: minimalOvf });
    assert.deepEqual(d.networks.map((n) => n.name), ['VM Network']);
    assert.deepEqual(d.deploymentOptions.map((o) => o.key), ['small', 'large']);
    assert.equal(d.defaultDeploymentOption, 'small');
    assert.equal(d.deploymentOption, 'small');
    assert.equal(d.virtualApp, false);
    assert.deepEqual(d.properties.map((p) => p.id), ['hostname', 'ip0', 'ntp_servers', 'root_password', 'log_level', 'workers']);
    assert.equal(d.property('workers')?.defaultValue, '2');
    assert.equal(d.sizes.downloadBytes, 196608);
    assert.equal(d.sizes.flatDeploymentBytes, 1024 ** 3);
    assert.equal(d.hardware.length, 1);
    assert.equal(d.hardware[0]?.numCPUs, 1);
    assert.equal(d.hardware[0]?.memoryMB, 1024);
    assert.deepEqual(d.hardware[0]?.nics.map((n) => n.ovfNetwork), ['VM Network']);
    assert.equal(d.hardware[0]?.guestId, 'otherLinux64Guest');
    assert.equal(d.hardware[0]?.hardwareVersion, 'vmx-13');
    assert.equal(d.hardware[0]?.disks[0]?.capacityBytes, 1024 ** 3);
    assert.match(d.descriptorDigest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(d.errors, []);
  });

  it('describes the hardware of the deployment option it is asked for', () => {
    const { stack } = newStack();
    const d = new OvfDescriptor(stack, 'Large', { source: minimalOvf, deploymentOption: 'large' });
    assert.equal(d.hardware[0]?.numCPUs, 2);
    assert.equal(d.hardware[0]?.memoryMB, 4096);
  });

  it('emits no resource of its own', () => {
    const { stack } = newStack();
    new OvfDescriptor(stack, 'Minimal', { source: minimalOvf });
    const synthesized = Testing.synth(stack);
    assert.equal(Object.keys(terraformData(synthesized)).length, 0);
  });

  itCorpus('fails synth listing every ParseDescriptor error with the construct path', () => {
    const { stack } = newStack();
    new OvfDescriptor(stack, 'Broken', { source: corpus('govmomi/xmltestfiles/ProductSection_1_0-Neg/prop_dup_keys.ovf') });
    assert.throws(() => Testing.synth(stack, true), (e: Error) => {
      assert.match(e.message, /\[test\/Broken\] ParseDescriptor: /);
      return true;
    });
  });

  it('reports malformed XML as a validation with its line, not as an exception', () => {
    const dir = tempDir('malformed-');
    const file = path.join(dir, 'broken.ovf');
    fs.writeFileSync(file, '<?xml version="1.0"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1">\n<References>\n</Envelope>\n');
    const { stack } = newStack();
    const d = new OvfDescriptor(stack, 'Malformed', { source: file });
    assert.equal(d.errors[0]?.fault._typeName, 'OvfXmlFormat');
    assert.throws(() => Testing.synth(stack, true), /\[test\/Malformed\] ParseDescriptor: .*OvfXmlFormat|\[test\/Malformed\] ParseDescriptor: .*line/);
  });

  it('reads an .ova and a directory through @ovfkit/package, with the manifest digest', () => {
    const dir = tempDir('src-');
    const pkg = path.join(dir, 'pkg');
    fs.mkdirSync(pkg);
    fs.copyFileSync(minimalOvf, path.join(pkg, 'minimal.ovf'));
    fs.writeFileSync(path.join(pkg, 'minimal.mf'), 'SHA256(minimal.ovf)= 00\n');
    const ova = path.join(dir, 'minimal.ova');
    const tar = spawnSync('tar', ['--format=ustar', '-cf', ova, '-C', pkg, 'minimal.ovf', 'minimal.mf']);
    assert.equal(tar.status, 0, String(tar.stderr));
    const { stack } = newStack();
    const plain = new OvfDescriptor(stack, 'Plain', { source: minimalOvf });
    const fromOva = new OvfDescriptor(stack, 'Ova', { source: ova });
    const fromDir = new OvfDescriptor(stack, 'Dir', { source: pkg });
    assert.equal(fromOva.descriptorDigest, plain.descriptorDigest);
    assert.equal(fromDir.descriptorDigest, plain.descriptorDigest);
    assert.match(fromOva.manifestDigest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(fromDir.manifestDigest, fromOva.manifestDigest);
    assert.equal(plain.manifestDigest, undefined);
    assert.equal(fromOva.source, ova);
    assert.deepEqual(fromOva.networks, plain.networks);
  });

  it('refuses an .ova whose member escapes the archive, naming the source', () => {
    const dir = tempDir('evil-');
    fs.mkdirSync(path.join(dir, 'a'));
    fs.copyFileSync(minimalOvf, path.join(dir, 'minimal.ovf'));
    const ova = path.join(dir, 'evil.ova');
    const tar = spawnSync('tar', ['--format=ustar', '-P', '-cf', ova, '-C', path.join(dir, 'a'), '../minimal.ovf']);
    assert.equal(tar.status, 0, String(tar.stderr));
    const { stack } = newStack();
    assert.throws(
      () => new OvfDescriptor(stack, 'Evil', { source: ova }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'UNSAFE_PATH');
        assert.match(e.message, /^cannot read OVF source ".*evil\.ova": tar member escapes the archive with "\.\."/);
        return true;
      },
    );
  });

  it('throws in the constructor when the source cannot be read, naming it', () => {
    const { stack } = newStack();
    assert.throws(() => new OvfDescriptor(stack, 'Missing', { source: '/nonexistent/appliance.ovf' }), /cannot read OVF source "\/nonexistent\/appliance.ovf": cannot open \/nonexistent\/appliance.ovf: no such file or directory/);
    assert.throws(() => new OvfDescriptor(stack, 'Empty', { source: ' ' }), /test\/Empty: "source" must be/);
  });
});

describe('OvfImport', () => {
  it('plans from the descriptor bytes and has apply expect their digest, for a Latin-1 descriptor read as .ovf or through an .ova', () => {
    const dir = tempDir('latin1-');
    try {
      // Not UTF-8: a digest of the decoded-and-re-encoded text would differ from the bytes'.
      const text = fs.readFileSync(minimalOvf, 'latin1').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('<Info>', '<Info>Caf\u00e9 ');
      const bytes = Buffer.from(text, 'latin1');
      const bytesDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const ovf = path.join(dir, 'latin1.ovf');
      fs.writeFileSync(ovf, bytes);
      const ova = path.join(dir, 'latin1.ova');
      assert.equal(spawnSync('tar', ['--format=ustar', '-cf', ova, '-C', dir, 'latin1.ovf']).status, 0);
      for (const source of [ovf, ova]) {
        const { stack } = newStack();
        new OvfImport(stack, 'Appliance', { source, name: 'app01', ...placement });
        const data = importData(Testing.synth(stack));
        assert.equal(data.triggers_replace.descriptorDigest, bytesDigest, source);
        assert.ok(data.provisioner[0]!['local-exec'].command.includes(` --expect-digest=${bytesDigest} `), data.provisioner[0]!['local-exec'].command);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('emits a terraform_data replaced by what only a new import changes, and a Reconfigure record for what vSphere changes in place', () => {
    const { stack } = newStack();
    const imp = new OvfImport(stack, 'Appliance', {
      source: minimalOvf,
      name: 'app01',
      ...placement,
      networkMapping: { 'VM Network': 'DC0_DVPG0' },
      propertyMapping: { hostname: 'app01', root_password: fromEnv('APP_ROOT_PASSWORD') },
      annotation: 'managed',
      powerOn: true,
    });
    const synthesized = Testing.synth(stack, true);
    const data = importData(synthesized);
    // Where the package lies is shown, never a reason to replace: only its identity is.
    assert.deepEqual(data.triggers_replace, {
      descriptorDigest: imp.plan['descriptorDigest'],
      inventoryPath: '/DC0/vm/app01',
      deploymentOption: 'small',
      locale: '',
      acceptAllEulas: false,
      markAsTemplate: false,
      placement,
      networkMapping: { 'VM Network': 'DC0_DVPG0' },
    });
    assert.match(String(imp.plan['descriptorDigest']), /^sha256:[0-9a-f]{64}$/);
    assert.equal(imp.plan['format'], 'ovfkit.plan/1');
    // The input is a summary of core's plan: short enough to read, and to be echoed as output.
    assert.deepEqual(data.input, {
      source: minimalOvf,
      hostProfile: imp.plan['hostProfile'],
      vms: [{ name: 'app01', numCPUs: 1, memoryMB: 1024, guestId: 'otherLinux64Guest', hardwareVersion: 'vmx-13', firmware: 'efi' }],
      disks: [{ entity: 'app01', label: 'Hard Disk 1', capacityBytes: 1073741824, provisioning: 'thick' }],
      // The example is not signed; a signed package shows its signer here (test/src/cdktf/signature.test.ts).
      signature: { policy: 'verify', status: 'absent' },
    });
    assert.deepEqual(data.reconfigure.triggers_replace, { powerOn: true, annotation: 'managed', propertyMapping: { hostname: 'app01' }, propertyFromEnv: { root_password: 'APP_ROOT_PASSWORD' } });
    assert.deepEqual(data.reconfigure.input, undefined);
    assert.deepEqual((data.reconfigure as unknown as { depends_on: string[] }).depends_on, [`terraform_data.${stack.getLogicalId(imp.resource)}`]);
    assert.deepEqual(data.reconfigure.provisioner.map((p) => p['local-exec']), [{
      command: `${cli} reconfigure --annotation=managed --prop=hostname=app01 --prop-env=root_password=APP_ROOT_PASSWORD --power-on -- /DC0/vm/app01`,
    }]);
    const [create, destroy] = data.provisioner.map((p) => p['local-exec']);
    assert.equal(create?.when, undefined);
    assert.ok(create!.command.startsWith(`${cli} import --expect-digest=${String(imp.plan['descriptorDigest'])} --name=app01 --datacenter=DC0 --pool=/DC0/host/DC0_C0/Resources --datastore=LocalDS_0 `), `apply imports only the descriptor synth planned: ${create!.command}`);
    assert.ok(create!.command.endsWith(` -- ${minimalOvf}`), create!.command);
    assert.match(create!.command, / '--net=VM Network=DC0_DVPG0' /);
    assert.match(create!.command, / --prop=hostname=app01 /);
    assert.match(create!.command, / --prop-env=root_password=APP_ROOT_PASSWORD /);
    assert.equal(destroy?.when, 'destroy');
    assert.equal(destroy!.command, `${cli} destroy --if-exists -- "$OVFKIT_INVENTORY_PATH"`);
    assert.deepEqual(destroy?.environment, { OVFKIT_INVENTORY_PATH: '${self.triggers_replace.inventoryPath}' });
  });

  it('stores a package inside the project relative to the stack directory, one outside as given, and no source in triggers_replace', () => {
    const project = tempDir('project-');
    fs.copyFileSync(minimalOvf, path.join(project, 'minimal.ovf'));
    const synthIn = (source: string): SynthesizedData => {
      const app = Testing.app({ outdir: path.join(project, 'cdktf.out') });
      const stack = new TerraformStack(app, 'test');
      new OvfImport(stack, 'App', { source, name: 'app01', ...placement });
      return importData(Testing.synth(stack));
    };
    const inside = synthIn(path.join(project, 'minimal.ovf'));
    assert.equal(inside.input['source'], '../../../minimal.ovf');
    assert.ok(inside.provisioner[0]!['local-exec'].command.endsWith(' -- ../../../minimal.ovf'), inside.provisioner[0]!['local-exec'].command);
    const outside = synthIn(minimalOvf);
    assert.equal(outside.input['source'], minimalOvf);
    // The same package at two places is the same package.
    assert.deepEqual(outside.triggers_replace, inside.triggers_replace);
    // The CLI outside the project stays absolute.
    assert.ok(inside.provisioner[0]!['local-exec'].command.startsWith(`${cli} import `));
  });

  it('keeps its construct ids: Descriptor and Resource under the id given', () => {
    const { stack } = newStack();
    const imp = new OvfImport(stack, 'Appliance', { source: minimalOvf, ...placement });
    assert.equal(imp.descriptor.node.path, 'test/Appliance/Descriptor');
    assert.equal(imp.resource.node.path, 'test/Appliance/Resource');
    assert.ok(imp.reconfigure);
    assert.equal(imp.reconfigure.node.path, 'test/Appliance/Reconfigure');
    assert.deepEqual(Object.keys(terraformData(Testing.synth(stack))), [stack.getLogicalId(imp.resource), stack.getLogicalId(imp.reconfigure)]);
    assert.equal(stack.getLogicalId(imp.resource), 'Appliance_7B9EA9AE');
  });

  it('never writes a secret value to the configuration, only the variable name', () => {
    process.env['OVFKIT_TEST_ROOT_PASSWORD'] = 'hunter2-very-secret';
    try {
      const { stack } = newStack();
      new OvfImport(stack, 'Appliance', { source: minimalOvf, ...placement, propertyMapping: { root_password: fromEnv('OVFKIT_TEST_ROOT_PASSWORD') } });
      const synthesized = Testing.synth(stack, true);
      assert.ok(!synthesized.includes('hunter2-very-secret'));
      assert.ok(synthesized.includes('OVFKIT_TEST_ROOT_PASSWORD'));
    } finally {
      delete process.env['OVFKIT_TEST_ROOT_PASSWORD'];
    }
  });

  it('fails synth listing every wrong prop at once, each with the construct path', () => {
    const { stack } = newStack();
    new OvfImport(stack, 'Wrong', {
      source: minimalOvf,
      ...placement,
      deploymentOption: 'huge',
      networkMapping: { 'No Such Network': 'DC0_DVPG0' },
      propertyMapping: { root_password: 'literal-password', log_level: 'verbose', nosuchprop: 'x' },
    });
    let message = '';
    assert.throws(() => Testing.synth(stack, true), (e: Error) => ((message = e.message), true));
    const lines = message.split('\n').filter((l) => l.includes('[test/Wrong'));
    assert.ok(lines.some((l) => l.includes('SECRET_IN_STATE') && l.includes('root_password')), message);
    assert.ok(lines.some((l) => l.includes('huge')), message);
    assert.ok(lines.some((l) => l.includes('No Such Network')), message);
    assert.ok(lines.some((l) => l.includes('log_level') && l.includes('verbose')), message);
    // vSphere ignores a key naming no property; the plan refuses it, in the construct's words.
    assert.ok(lines.some((l) => l.includes('UNKNOWN_PROPERTY_KEY') && l.includes('"nosuchprop"') && l.includes('use a property the package has')), message);
  });

  itCorpus('fails synth for a package with a EULA unless acceptAllEulas is set', () => {
    // A package: the corpus descriptor with a (sparse) disk file of its declared ovf:size beside it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-photon-'));
    const photon = path.join(dir, 'photon5.ovf');
    fs.copyFileSync(corpus('govmomi/cloud-images/photon5.ovf'), photon);
    fs.writeFileSync(path.join(dir, 'photon-ova-disk1.vmdk'), '');
    fs.truncateSync(path.join(dir, 'photon-ova-disk1.vmdk'), 322319360);
    const refused = newStack();
    new OvfImport(refused.stack, 'Photon', { source: photon, ...placement });
    assert.throws(() => Testing.synth(refused.stack, true), /\[test\/Photon\].*EULA/i);
    const accepted = newStack();
    new OvfImport(accepted.stack, 'Photon', { source: photon, ...placement, acceptAllEulas: true });
    assert.doesNotThrow(() => Testing.synth(accepted.stack, true));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes a changed property value, annotation or power state a change of the Reconfigure record only', () => {
    const synth = (props: Partial<OvfImportProps>): ReturnType<typeof importData> => {
      const { stack } = newStack();
      new OvfImport(stack, 'Appliance', { source: minimalOvf, ...placement, propertyMapping: { hostname: 'app01' }, ...props });
      return importData(Testing.synth(stack, true));
    };
    const a = synth({});
    for (const change of [{ propertyMapping: { hostname: 'app02' } }, { annotation: 'x' }, { powerOn: true }]) {
      const b = synth(change);
      assert.deepEqual(b.triggers_replace, a.triggers_replace, `the VM stays: ${JSON.stringify(change)}`);
      assert.notDeepEqual(b.reconfigure.triggers_replace, a.reconfigure.triggers_replace, JSON.stringify(change));
    }
    for (const change of [{ deploymentOption: 'large' }, { datastore: 'other' }, { networkMapping: { 'VM Network': 'pg2' } }, { markAsTemplate: true }, { name: 'app02' }]) {
      assert.notDeepEqual(synth(change).triggers_replace, a.triggers_replace, `a new import: ${JSON.stringify(change)}`);
    }
    assert.deepEqual(synth({}), a);
  });

  it('keeps ${ and %{ in values literal for Terraform and quoted for the shell', () => {
    const { stack } = newStack();
    // The plan's entity name is the inventory name, where vSphere escapes "%" as %25 (core's escapeEntityName).
    new OvfImport(stack, 'Appliance', { source: minimalOvf, ...placement, name: "x'${y}%{z}", propertyMapping: { hostname: '$(reboot)%{w}' } });
    const data = importData(Testing.synth(stack));
    assert.equal(data.triggers_replace['inventoryPath'], "/DC0/vm/x'$${y}%25{z}");
    assert.match(data.provisioner[0]!['local-exec'].command, / '--name=x'\\''\$\$\{y\}%25\{z\}' /);
    assert.match(data.provisioner[0]!['local-exec'].command, / '--prop=hostname=\$\(reboot\)%%\{w\}' -- /);
  });

  itCorpus('says which host profile it checked against, and fails synth when the package needs more than that host offers', () => {
    const { stack } = newStack();
    const unchecked = new OvfImport(stack, 'Default', { source: minimalOvf, ...placement });
    assert.ok(annotations(unchecked, '@cdktf/info').some((m) => /^checked against host profile esxi-/.test(m)), JSON.stringify(unchecked.node.metadata));
    new OvfImport(stack, 'OldHost', { source: corpus('govmomi/fixtures/properties.ovf'), ...placement, hostProfile: 'esxi-6.5' });
    assert.throws(
      () => Testing.synth(stack, true),
      /\[test\/OldHost\] ValidateHost: Virtual hardware vmx-19 of "ttylinux" is not supported by esxi-6\.5u3 \(newest: vmx-13\); at \S+ \(line 24\); allowed: vmx-04, .* \[\w+ HARDWARE_VERSION_UNSUPPORTED\]/,
    );
  });

  it('checks placement, networks and provisioning against an inventory snapshot, listing every problem', () => {
    const dir = tempDir('inv-');
    const inventory = path.join(dir, 'dc1.json');
    fs.writeFileSync(inventory, JSON.stringify({
      format: 'ovfkit.inventory/1',
      datacenter: { name: 'DC1', moref: 'datacenter-2' },
      folders: [{ name: 'vm', moref: 'group-v4', path: '/DC1/vm' }],
      hosts: [{ name: 'esx1.example.com', moref: 'host-10', profile: 'esxi-7.0u3', datastores: ['vmfs-01', 'nfs-iso'], networks: ['VM Network', 'prod-pg'] }],
      datastores: [
        { name: 'vmfs-01', moref: 'datastore-11', type: 'VMFS', capacity: 2199023255552, freeSpace: 429496729600 },
        { name: 'nfs-iso', moref: 'datastore-12', type: 'NFS', capacity: 107374182400, freeSpace: 5368709120 },
      ],
      networks: [{ name: 'VM Network', moref: 'network-13', type: 'standard' }, { name: 'prod-pg', moref: 'dvportgroup-14', type: 'dvportgroup' }],
      resourcePools: [{ name: 'Resources', moref: 'resgroup-8', type: 'resourcePool', path: '/DC1/host/Cluster1/Resources', hosts: ['esx1.example.com'] }],
    }));
    const good = newStack();
    const ok = new OvfImport(good.stack, 'Fits', {
      source: minimalOvf, inventory, datacenter: 'DC1', resourcePool: '/DC1/host/Cluster1/Resources', datastore: 'vmfs-01', networkMapping: { 'VM Network': 'prod-pg' },
    });
    assert.doesNotThrow(() => Testing.synth(good.stack, true));
    assert.ok(annotations(ok, '@cdktf/info').includes('checked against host profile esxi-7.0u3 and the inventory of DC1'), JSON.stringify(ok.node.metadata));

    const bad = newStack();
    new OvfImport(bad.stack, 'Misplaced', {
      source: minimalOvf, inventory, datacenter: 'DC1', resourcePool: '/DC1/host/Cluster9/Resources', datastore: 'nfs-iso', diskProvisioning: 'thick', networkMapping: { 'VM Network': 'no-such-pg' },
    });
    let message = '';
    assert.throws(() => Testing.synth(bad.stack, true), (e: Error) => ((message = e.message), true));
    // The whole list: core's plan resolves every placement input, the pool and the network both reported; the fix in CDKTF's words (the construct's prop, not the CLI's --disk-provisioning).
    assert.deepEqual(message.split('\n').filter((l) => l.includes('[test/Misplaced]')).map((l) => l.trim()), [
      '[test/Misplaced] ValidateHost: resource pool or vApp "/DC1/host/Cluster9/Resources" is not in the inventory of datacenter "DC1"; allowed: Cluster1/Resources; fix: did you mean "Cluster1/Resources"? [OvfInvalidValueReference UNKNOWN_RESOURCE_POOL]',
      '[test/Misplaced] CreateImportSpec: Disk provisioning "thick" is not supported on datastore "nfs-iso"; allowed: monolithicSparse, twoGbMaxExtentSparse, thin, sparse; fix: choose a supported provisioning, e.g. diskProvisioning: "monolithicSparse" [OvfUnsupportedDiskProvisioning DISK_PROVISIONING_UNSUPPORTED]',
      '[test/Misplaced] CreateImportSpec: networkMapping sends "VM Network" to "no-such-pg", which is not in the inventory of datacenter "DC1"; allowed: VM Network, prod-pg; fix: name one of the datacenter\'s networks (inventory path, name or moref), or capture the inventory again [OvfInvalidValueReference UNKNOWN_MAPPED_NETWORK]',
    ]);
  });

  it('parallelDisks reaches the import as --parallel-disks, is never a reason to import again, and must be 1 to 32', () => {
    const synthOf = (parallelDisks?: number): ReturnType<typeof importData> => {
      const { stack } = newStack();
      new OvfImport(stack, 'Par', { source: minimalOvf, name: 'par01', ...placement, ...(parallelDisks !== undefined ? { parallelDisks } : {}) });
      return importData(Testing.synth(stack));
    };
    const two = synthOf(2);
    assert.ok(two.provisioner[0]!['local-exec'].command.includes(' --parallel-disks=2 '), two.provisioner[0]!['local-exec'].command);
    const dflt = synthOf();
    assert.ok(!dflt.provisioner[0]!['local-exec'].command.includes('--parallel-disks'), 'the CLI default when not given');
    assert.deepEqual(two.triggers_replace, dflt.triggers_replace);
    const { stack } = newStack();
    assert.throws(() => new OvfImport(stack, 'Bad', { source: minimalOvf, ...placement, parallelDisks: 0 }), /test\/Bad: "parallelDisks" must be a whole number from 1 to 32, got 0/);
  });

  it('takes cluster, ipAllocationPolicy, ipProtocol and manifestPolicy as Pulumi does: core judges the IP inputs at synth, the import gets the CLI flags', () => {
    const { stack } = newStack();
    const inputs = { source: minimalOvf, name: 'ip01', datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0', ipAllocationPolicy: 'fixedPolicy', ipProtocol: 'IPv4', manifestPolicy: 'skip', locale: 'de-DE' } as const;
    const ok = new OvfImport(stack, 'Ip', inputs);
    assert.deepEqual(ok.errors, []);
    const d = importData(Testing.synth(stack));
    const command = d.provisioner[0]!['local-exec'].command;
    for (const flag of [' --cluster=DC0_C0 ', ' --ip-allocation-policy=fixedPolicy ', ' --ip-protocol=IPv4 ', ' --manifest=skip ', ' --locale=de-DE ']) assert.ok(command.includes(flag), `${flag} in ${command}`);
    assert.ok(!command.includes('--pool'), command);
    assert.equal(d.triggers_replace.ipProtocol, 'IPv4');
    assert.deepEqual(d.triggers_replace.placement, { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0' });
    // The verdict is core's CreateImportSpec's, the issue Pulumi reports on its ipProtocol input.
    const bad = new OvfImport(newStack().stack, 'BadIp', { ...inputs, ipProtocol: 'IPv6', ipAllocationPolicy: 'noSuchPolicy' });
    assert.deepEqual(bad.errors.map((e) => [e.code, e.localizedMessage]), [
      ['IP_ALLOCATION_POLICY_UNSUPPORTED', 'IP allocation policy "noSuchPolicy" is not a vSphere policy'],
      ['IP_PROTOCOL_UNSUPPORTED', 'IP protocol "IPv6" is not supported by the package'],
    ]);
    assert.throws(() => new OvfImport(newStack().stack, 'BadMf', { ...inputs, manifestPolicy: 'always' as 'skip' }), /test\/BadMf: "manifestPolicy" must be one of require, verify-if-present, skip/);
    // backend 'provider': the ovfkit_import attributes of the same words, snake_case.
    const prov = newStack();
    new OvfImport(prov.stack, 'Prov', { ...inputs, markAsTemplate: true, backend: 'provider' });
    const resource = Object.values((JSON.parse(Testing.synth(prov.stack)) as { resource: { ovfkit_import: Record<string, Record<string, unknown>> } }).resource.ovfkit_import)[0]!;
    assert.deepEqual(
      Object.fromEntries(['cluster', 'ip_allocation_policy', 'ip_protocol', 'manifest_policy', 'locale', 'mark_as_template', 'resource_pool'].map((k) => [k, resource[k]])),
      { cluster: 'DC0_C0', ip_allocation_policy: 'fixedPolicy', ip_protocol: 'IPv4', manifest_policy: 'skip', locale: 'de-DE', mark_as_template: true, resource_pool: undefined },
    );
  });

  it('throws in the constructor on misuse, listing every problem', () => {
    const { stack } = newStack();
    const d = new OvfDescriptor(stack, 'D', { source: minimalOvf });
    assert.throws(
      () => new OvfImport(stack, 'Both', { source: minimalOvf, descriptor: d, resourcePool: '', vApp: '/DC0/vm/app', powerOn: 'yes' as unknown as boolean }),
      /test\/Both: give exactly one of "source".*; "resourcePool" must be a non-empty string.*; give "resourcePool" or "vApp", not both; give "datacenter" or an absolute "folder".*; "powerOn" must be true or false/,
    );
    assert.throws(
      () => new OvfImport(stack, 'Env', { source: minimalOvf, ...placement, propertyMapping: { root_password: fromEnv('1BAD-NAME') } }),
      /"1BAD-NAME" is not an environment variable name/,
    );
    assert.throws(() => new OvfImport(stack, 'Neither', { ...placement }), /give exactly one of/);
    assert.throws(() => new OvfImport(stack, 'Lost', { source: minimalOvf, folder: 'vms' }), /test\/Lost: give "datacenter" or an absolute "folder"/);
    assert.throws(() => new OvfImport(stack, 'Profile', { source: minimalOvf, ...placement, hostProfile: 'esxi-0.1' }), /test\/Profile: unknown host profile "esxi-0.1"/);
  });

  it('shares one read of the package when given an OvfDescriptor', () => {
    const { stack } = newStack();
    const d = new OvfDescriptor(stack, 'Minimal', { source: minimalOvf });
    const a = new OvfImport(stack, 'A', { descriptor: d, ...placement, name: 'a' });
    const b = new OvfImport(stack, 'B', { descriptor: d, ...placement, name: 'b' });
    assert.equal(a.descriptor, d);
    assert.equal(b.descriptor, d);
    assert.equal(Object.keys(terraformData(Testing.synth(stack, true))).length, 4);
  });
});

describe('OvfExport', () => {
  it('emits a terraform_data running ovfkit export after the import it names', () => {
    const { stack } = newStack();
    const imp = new OvfImport(stack, 'Appliance', { source: minimalOvf, ...placement, name: 'app01', folder: '/DC0/vm/apps' });
    const exp = new OvfExport(stack, 'Golden', { entity: imp, destination: '/tmp/out/golden.ova' });
    const all = terraformData(Testing.synth(stack, true));
    const data = all[stack.getLogicalId(exp.resource)]!;
    assert.equal(data.input['entity'], '/DC0/vm/apps/app01');
    assert.equal(data.input['destination'], '/tmp/out/golden.ova');
    assert.equal(data.input['format'], 'ova');
    assert.equal(data.provisioner[0]!['local-exec'].command, `${cli} export --algorithm=SHA256 -- /DC0/vm/apps/app01 /tmp/out/golden.ova`);
    assert.deepEqual((data as unknown as { depends_on: string[] }).depends_on, [`terraform_data.${stack.getLogicalId(imp.resource)}`]);
    // Destroy forgets the export and keeps the package, as Pulumi's OvfExport and ovfkit_export do.
    assert.deepEqual(data.provisioner.map((p) => Object.keys(p)), [['local-exec']]);
    assert.equal((data.provisioner[0]!['local-exec'] as { when?: string }).when, undefined, 'no destroy-time provisioner removes the package');
    assert.deepEqual(annotations(exp, '@cdktf/warn'), []);
  });

  it('accepts the deprecated names vm and target for one release, with a warning naming the new ones', () => {
    const { stack } = newStack();
    const exp = new OvfExport(stack, 'Golden', { vm: '/DC0/vm/golden', target: '/tmp/golden.ova' });
    assert.deepEqual(annotations(exp, '@cdktf/warn'), [
      'OvfExport "vm" is deprecated: name it "entity", as Pulumi\'s OvfExport and Terraform\'s ovfkit_export do; "vm" is accepted for one release',
      'OvfExport "target" is deprecated: name it "destination", as Pulumi\'s OvfExport and Terraform\'s ovfkit_export do; "target" is accepted for one release',
    ]);
    assert.deepEqual(exp.request, new OvfExport(newStack().stack, 'Golden', { entity: '/DC0/vm/golden', destination: '/tmp/golden.ova' }).request);
    assert.throws(() => new OvfExport(stack, 'Both', { entity: '/DC0/vm/a', vm: '/DC0/vm/b', destination: '/tmp/a.ova' }), /give "entity" only \("vm" is its deprecated name\)/);
  });

  it('spells the manifest algorithm as the manifest does (SHA256), reads the old lower case with a warning, and plans no new export for it', () => {
    const synthOf = (manifestAlgorithm?: OvfExportProps['manifestAlgorithm']): { exp: OvfExport; data: ReturnType<typeof onlyData> } => {
      const { stack } = newStack();
      const exp = new OvfExport(stack, 'Golden', { entity: '/DC0/vm/golden', destination: '/tmp/golden.ova', ...(manifestAlgorithm ? { manifestAlgorithm } : {}) });
      return { exp, data: onlyData(Testing.synth(stack, true)) };
    };
    const byDefault = synthOf();
    const upper = synthOf('SHA512');
    const lower = synthOf('sha512');
    assert.deepEqual(annotations(upper.exp, '@cdktf/warn'), []);
    assert.deepEqual(annotations(lower.exp, '@cdktf/warn'), [
      'OvfExport "manifestAlgorithm" "sha512" is deprecated: write "SHA512", as the manifest, Pulumi, CDKTF, Terraform and the CLI spell it; the lower-case spelling is accepted for one release',
    ]);
    assert.deepEqual(lower.data, upper.data, 'the old spelling synthesizes the very same resource');
    assert.equal(upper.data.input['manifestAlgorithm'], 'SHA512');
    assert.equal(upper.data.provisioner[0]!['local-exec'].command, `${cli} export --algorithm=SHA512 -- /DC0/vm/golden /tmp/golden.ova`);
    // 0.1.0 recorded the lower case in triggers_replace: the same trigger means no new export after an upgrade.
    assert.equal(byDefault.data.triggers_replace['manifestAlgorithm'], 'sha256');
  });

  it('warns about an export option ovfkit does not know, which vSphere would silently ignore', () => {
    const { stack } = newStack();
    const exp = new OvfExport(stack, 'Golden', { entity: '/DC0/vm/golden', destination: '/tmp/golden', exportOption: ['mac', 'nosuchoption'] });
    assert.deepEqual(exp.unknownExportOptions, ['nosuchoption']);
    assert.ok(annotations(exp, '@cdktf/warn').some((m) => m.includes('"nosuchoption"')), JSON.stringify(exp.node.metadata));
    const data = onlyData(Testing.synth(stack, true));
    assert.equal(data.provisioner[0]!['local-exec'].command, `${cli} export --export-option=mac --export-option=nosuchoption --algorithm=SHA256 -- /DC0/vm/golden /tmp/golden`);
  });

  it('passes chunkSize to ovfkit export --chunk-size, and a new size exports again', () => {
    const { stack } = newStack();
    const exp = new OvfExport(stack, 'Golden', { entity: '/DC0/vm/golden', destination: '/tmp/golden.ova', chunkSize: 1000000 });
    const data = onlyData(Testing.synth(stack, true));
    assert.equal(data.provisioner[0]!['local-exec'].command, `${cli} export --algorithm=SHA256 --chunk-size=1000000 -- /DC0/vm/golden /tmp/golden.ova`);
    assert.equal(data.input['chunkSize'], 1000000);
    assert.equal(exp.request['chunkSize'], 1000000, 'recorded in the input, which replaces the resource when it changes');
  });

  it('throws in the constructor on misuse', () => {
    const { stack } = newStack();
    assert.throws(() => new OvfExport(stack, 'Bad', { entity: '', destination: '', manifestAlgorithm: 'md5' as 'SHA1' }), /"entity" must be.*"destination" must be.*"manifestAlgorithm" must be SHA256, SHA512, SHA1 \(got "md5"\)/);
    assert.throws(() => new OvfExport(stack, 'BadChunk', { entity: '/DC0/vm/x', destination: '/tmp/x.ova', chunkSize: 0 }), /"chunkSize" must be a positive whole number of bytes \(got 0\)/);
  });
});

describe('OvfTesting', () => {
  it('gives every synth error and warning of a stack as data, with construct paths', () => {
    const { stack } = newStack();
    new OvfImport(stack, 'Wrong', {
      source: minimalOvf,
      ...placement,
      networkMapping: { 'No Such Network': 'DC0_DVPG0' },
      propertyMapping: { log_level: 'verbose', nosuchprop: 'x' },
    });
    new OvfImport(stack, 'Right', { source: minimalOvf, ...placement });
    const errors = OvfTesting.errors(stack);
    assert.deepEqual(errors.map((e) => e.path), ['test/Wrong', 'test/Wrong', 'test/Wrong']);
    assert.match(errors[0]!.message, /^CreateImportSpec: Value for property "log_level" is invalid: .* \[OvfPropertyValue PROPERTY_VALUE_INVALID\]$/);
    assert.match(errors[1]!.message, /^CreateImportSpec: .* \[\w+ UNKNOWN_NETWORK_IN_MAPPING\]$/);
    assert.match(errors[2]!.message, /^plan: Property key "nosuchprop" names no property of the package.* \[OvfInvalidValueReference UNKNOWN_PROPERTY_KEY\]$/);
    assert.deepEqual(OvfTesting.errors(stack.node.findChild('Right')), []);
    assert.equal(OvfTesting.infos(stack).filter((i) => i.message.startsWith('checked against host profile')).length, 2);
  });
});
