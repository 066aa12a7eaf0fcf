import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusRoot, itCorpus } from '../paths';
import { createImportSpec, login, minimalOvf, vappOvf, type Places } from './flow';
import { RawSession, allElements, allText, faultType, firstText, moref, xmlEscape } from './raw-soap';
import { useSimulator } from './simulator';


function parseDescriptor(s: RawSession, ovf: string): Promise<string> {
  return s.ok('ParseDescriptor', 'OvfManager', s.ovfManager, `<ovfDescriptor>${xmlEscape(ovf)}</ovfDescriptor><pdp><locale></locale><deploymentOption></deploymentOption></pdp>`);
}

describe('the simulator OvfManager (what vcsim 0.24.2 lacks)', () => {
  const sim = useSimulator();
  let s: RawSession;
  let p: Places;
  before(async () => {
    ({ s, p } = await login(sim()));
  });

  it('parses the minimal example into an OvfParseDescriptorResult with networks, options and sizes', async () => {
    const body = await parseDescriptor(s, minimalOvf);
    assert.deepEqual(allText(allElements(body, 'network')[0] ?? '', 'name'), ['VM Network']);
    assert.deepEqual(allText(body, 'key').filter((k) => k === 'small' || k === 'large'), ['small', 'large']);
    assert.equal(firstText(body, 'defaultDeploymentOption'), 'small');
    assert.equal(firstText(body, 'defaultEntityName'), 'minimal');
    assert.equal(firstText(body, 'virtualApp'), 'false');
    assert.equal(firstText(body, 'approximateDownloadSize'), '196608');
    assert.equal(firstText(body, 'approximateFlatDeploymentSize'), String(2 ** 30));
    assert.match(firstText(body, 'annotation') ?? '', /^ovfkit example appliance/);
    assert.equal(allElements(body, 'error').length, 0);
  });

  it('parses a VirtualSystemCollection as a vApp and names its child entities', async () => {
    const body = await parseDescriptor(s, vappOvf);
    assert.equal(firstText(body, 'virtualApp'), 'true');
    assert.equal(firstText(body, 'defaultEntityName'), 'two-tier');
    assert.deepEqual(allElements(body, 'entityName').map((e) => firstText(e, 'key')), ['web', 'db']);
    assert.equal(firstText(allElements(body, 'productInfo')[0] ?? '', 'name'), 'Two Tier');
    assert.equal(firstText(body, 'approximateFlatDeploymentSize'), String(3 * 2 ** 30));
  });

  it('returns malformed XML as an OvfXmlFormat entry in error[], not as a fault', async () => {
    const body = await parseDescriptor(s, '<Envelope><VirtualSystem></Envelope>');
    const errors = allElements(body, 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /type="OvfXmlFormat"/);
  });

  it('does not expand entities declared in a DOCTYPE', async () => {
    const hostile = '<?xml version="1.0"?><!DOCTYPE Envelope [<!ENTITY boom "EXPANDED-ENTITY">]><Envelope><VirtualSystem ovf:id="x"><Name>&boom;</Name></VirtualSystem></Envelope>';
    const body = await parseDescriptor(s, hostile);
    assert.doesNotMatch(body, /EXPANDED-ENTITY/);
    assert.match(allElements(body, 'error')[0] ?? '', /OvfXmlFormat/);
  });

  it('validates a host: sizes, supported provisioning, and no errors when the host is big enough', async () => {
    const body = await s.ok('ValidateHost', 'OvfManager', s.ovfManager, `<ovfDescriptor>${xmlEscape(minimalOvf)}</ovfDescriptor>${moref('host', 'HostSystem', p.host)}<vhp><locale></locale><deploymentOption>small</deploymentOption></vhp>`);
    assert.equal(firstText(body, 'downloadSize'), '196608');
    assert.equal(firstText(body, 'flatDeploymentSize'), String(2 ** 30));
    assert.ok(allText(body, 'supportedDiskProvisioning').includes('thin'));
    assert.equal(allElements(body, 'error').length, 0);
  });

  it('reports a VM that needs more memory than the host has as an OvfHostResourceConstraint error', async () => {
    const huge = minimalOvf.replace('<rasd:VirtualQuantity>1024</rasd:VirtualQuantity>', '<rasd:VirtualQuantity>104857600</rasd:VirtualQuantity>');
    const body = await s.ok('ValidateHost', 'OvfManager', s.ovfManager, `<ovfDescriptor>${xmlEscape(huge)}</ovfDescriptor>${moref('host', 'HostSystem', p.host)}<vhp><locale></locale><deploymentOption>small</deploymentOption></vhp>`);
    const errors = allElements(body, 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /OvfHostResourceConstraint/);
    assert.match(firstText(errors[0] ?? '', 'localizedMessage') ?? '', /104857600 MB of memory/);
  });

  it('answers ValidateHost on a host that does not exist with ManagedObjectNotFound', async () => {
    const res = await s.call('ValidateHost', 'OvfManager', s.ovfManager, `<ovfDescriptor>${xmlEscape(minimalOvf)}</ovfDescriptor>${moref('host', 'HostSystem', 'host-nope')}<vhp></vhp>`);
    assert.equal(res.status, 500);
    assert.equal(faultType(res.body), 'ManagedObjectNotFound');
  });

  it('turns a VirtualSystemCollection into a VirtualAppImportSpec with one VM import spec per system', async () => {
    const res = await createImportSpec(s, p, vappOvf, 'shop');
    assert.equal(res.status, 200);
    const spec = allElements(res.body, 'importSpec')[0] ?? '';
    assert.match(spec, /type="VirtualAppImportSpec"/);
    assert.equal(firstText(spec, 'name'), 'shop');
    assert.equal((spec.match(/type="VirtualMachineImportSpec"/g) ?? []).length, 2);
    assert.deepEqual(allText(res.body, 'deviceId'), ['/web/disk:0', '/db/disk:0']);
    assert.deepEqual(allText(res.body, 'path'), ['web-disk1.vmdk', 'db-disk1.vmdk']);
  });

  it('names the VM after the descriptor when no entityName is given', async () => {
    const res = await createImportSpec(s, p, minimalOvf, '');
    assert.equal(res.status, 200);
    assert.equal(firstText(allElements(res.body, 'configSpec')[0] ?? '', 'name'), 'minimal');
    assert.deepEqual(allText(res.body, 'deviceId'), ['/minimal/disk:0']);
  });

  itCorpus('survives CreateImportSpec and ParseDescriptor of every corpus descriptor (answers 200 or a fault, never drops the connection)', async function () {
    this.timeout(120000);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const f = path.join(dir, e.name);
        if (e.isDirectory()) walk(f);
        else if (e.name.endsWith('.ovf')) files.push(f);
      }
    };
    walk(path.join(corpusRoot, 'ovf'));
    assert.ok(files.length >= 50, `corpus has ${files.length} descriptors`);
    for (const f of files) {
      const ovf = fs.readFileSync(f, 'utf8');
      const cis = await createImportSpec(s, p, ovf, 'corpus');
      assert.ok(cis.status === 200 || (cis.status === 500 && faultType(cis.body) !== undefined), `${f}: HTTP ${cis.status}`);
      const pd = await s.call('ParseDescriptor', 'OvfManager', s.ovfManager, `<ovfDescriptor>${xmlEscape(ovf)}</ovfDescriptor><pdp></pdp>`);
      // 500 only with a fault: e.g. control characters no SOAP envelope can carry (InvalidRequest).
      assert.ok(pd.status === 200 || (pd.status === 500 && faultType(pd.body) !== undefined), `${f}: ParseDescriptor HTTP ${pd.status}`);
    }
    assert.deepEqual((await sim().state()).virtualMachines, []);
  });
});
