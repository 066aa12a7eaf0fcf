/**
 * The plan's own rules (issue 11): property keys resolved to one property or refused with the
 * candidates, a EULA not accepted refused, an unknown deployment option reported once. Whole
 * issue lists are compared.
 */
import * as assert from 'node:assert/strict';
import { LocalOvfManager } from '../ovfmanager';
import { editDistance, nearest } from '../nearest';
import { matchPropertyKey } from '../property-keys';
import type { VirtualMachineImportSpec } from '../importspec/types';
import { createPlan, type PlanIssue } from './index';

/** A VM with a class-qualified ProductSection per `sections` entry, an unqualified one, and maybe a EULA. */
function ovf(opts: { sections?: string[]; eula?: boolean } = {}): string {
  const sentry = (instance: string, max: number): string => `<ProductSection ovf:class="com.example.sentry" ovf:instance="${instance}"><Info>sentry ${instance}</Info>
      <Property ovf:key="workers" ovf:type="uint8" ovf:userConfigurable="true" ovf:value="2" ovf:qualifiers="MinValue(1),MaxValue(${max})"/>
      <Property ovf:key="secret" ovf:type="string" ovf:password="true" ovf:userConfigurable="true"/>
    </ProductSection>`;
  return `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References/>
  <DeploymentOptionSection><Info>sizes</Info>
    <Configuration ovf:id="small" ovf:default="true"><Label>Small</Label><Description>s</Description></Configuration>
    <Configuration ovf:id="large"><Label>Large</Label><Description>l</Description></Configuration>
  </DeploymentOptionSection>
  <VirtualSystem ovf:id="app">
    <Info>vm</Info>
    <ProductSection><Info>p</Info><Product>App</Product>
      <Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="localhost"/>
    </ProductSection>
    ${(opts.sections ?? ['1']).map((i) => sentry(i, 64)).join('\n    ')}
    ${opts.eula ? '<EulaSection><Info>e</Info><License>Be nice.</License></EulaSection>' : ''}
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>`;
}

/** What a user reads of an issue, and where it came from. */
const shown = (list: readonly PlanIssue[]): Array<[string, string, string | undefined, string, string | undefined]> =>
  list.map((i) => [i.source, i.code, i.value, i.localizedMessage, i.fix]);

describe('the plan: property keys', () => {
  it('resolves a bare key that names one property to its full id: the value is set, its qualifiers checked, and the plan says so', () => {
    const r = createPlan(ovf(), { propertyMapping: { workers: '8', hostname: 'web01' } });
    assert.deepEqual(shown(r.plan.errors), []);
    assert.deepEqual(r.plan.properties.map((p) => [p.id, p.value, p.source, p.mappingKey]), [
      ['hostname', 'web01', 'propertyMapping', undefined],
      ['com.example.sentry.workers.1', '8', 'propertyMapping', 'workers'],
      ['com.example.sentry.secret.1', '', 'default', undefined],
    ]);
    assert.deepEqual(r.cisp.propertyMapping, [{ key: 'com.example.sentry.workers.1', value: '8' }, { key: 'hostname', value: 'web01' }]);
    const vm = r.createImportSpec.importSpec as VirtualMachineImportSpec;
    assert.equal(vm.configSpec.vAppConfig?.property?.find((p) => p.info.id === 'workers')?.info.value, '8', 'CreateImportSpec sets it');

    const over = createPlan(ovf(), { propertyMapping: { workers: '99' } });
    assert.deepEqual(over.plan.errors.map((i) => [i.source, i.code, i.value]), [['createImportSpec', 'PROPERTY_VALUE_INVALID', '99']]);
  });

  it('refuses a bare key two instances of a class have, naming both', () => {
    const { plan } = createPlan(ovf({ sections: ['1', '2'] }), { propertyMapping: { workers: '8' }, vocabulary: 'cli' });
    assert.deepEqual(shown(plan.errors), [[
      'plan', 'AMBIGUOUS_PROPERTY_KEY', 'workers',
      'Property key "workers" names 2 properties ("com.example.sentry.workers.1", "com.example.sentry.workers.2"); vSphere sets a property only by its full id',
      'name the one you mean by its full id, e.g. --prop com.example.sentry.workers.1=…',
    ]]);
    assert.deepEqual(plan.properties.filter((p) => p.source === 'propertyMapping'), [], 'nothing is set by it');
    assert.equal(plan.ok, false);
  });

  it('refuses a mistyped key with the nearest property, and an unrelated one with the list, in the words of each front end', () => {
    const typo = createPlan(ovf(), { propertyMapping: { wrokers: '4' }, vocabulary: 'pulumi' });
    assert.deepEqual(shown(typo.plan.errors), [[
      'plan', 'UNKNOWN_PROPERTY_KEY', 'wrokers',
      'Property key "wrokers" names no property of the package; did you mean "com.example.sentry.workers.1"?',
      'use propertyMapping: { "com.example.sentry.workers.1": "…" }',
    ]]);
    assert.deepEqual(typo.plan.warnings.map((i) => i.code), [], 'CreateImportSpec was not given the key, so it does not warn about it again');
    const unrelated = createPlan(ovf(), { propertyMapping: { nosuch: '1' }, vocabulary: 'cli' });
    assert.deepEqual(shown(unrelated.plan.errors), [[
      'plan', 'UNKNOWN_PROPERTY_KEY', 'nosuch',
      'Property key "nosuch" names no property of the package',
      'use a property the package has, [class.]key[.instance] (ovfkit parse lists them)',
    ]]);
    assert.equal(unrelated.plan.errors[0]!.allowed, 'hostname, com.example.sentry.workers.1, com.example.sentry.secret.1');
  });

  it('refuses two keys for one property', () => {
    const { plan } = createPlan(ovf(), { propertyMapping: { workers: '8', 'com.example.sentry.workers.1': '9' } });
    assert.deepEqual(shown(plan.errors), [[
      'plan', 'AMBIGUOUS_PROPERTY_KEY', 'com.example.sentry.workers.1',
      'Property keys "workers" and "com.example.sentry.workers.1" both set property "com.example.sentry.workers.1"',
      'give "com.example.sentry.workers.1" one value, e.g. propertyMapping key "com.example.sentry.workers.1"',
    ]]);
  });

  it('keeps a password given by its bare key out of the plan and redacts it in an issue', () => {
    const { plan } = createPlan(ovf(), { propertyMapping: { secret: 'hunter2hunter2' } });
    assert.deepEqual(plan.properties.find((p) => p.id === 'com.example.sentry.secret.1'), {
      entity: 'App', id: 'com.example.sentry.secret.1', type: 'password', userConfigurable: true, password: true, value: '********', source: 'propertyMapping', mappingKey: 'secret',
    });
    assert.ok(!JSON.stringify(plan).includes('hunter2'));
  });

  it('leaves CreateImportSpec as vSphere is: a bare key of a class-qualified property is ignored there (with a warning), not applied', async () => {
    const r = await new LocalOvfManager().createImportSpec(ovf(), undefined, undefined, { locale: '', deploymentOption: '', entityName: '', propertyMapping: [{ key: 'workers', value: '8' }] });
    assert.deepEqual((r.error ?? []).map((i) => i.code), []);
    assert.deepEqual((r.warning ?? []).map((i) => [i.code, i.value]), [['UNKNOWN_PROPERTY_KEY', 'workers']]);
    const vm = r.importSpec as VirtualMachineImportSpec;
    assert.equal(vm.configSpec.vAppConfig?.property?.find((p) => p.info.id === 'workers')?.info.value, '');
  });

  it('matches keys: full id, bare id, ambiguous, unknown with the nearest by edit distance', () => {
    const names = [{ id: 'hostname' }, { classId: 'a', id: 'port', instanceId: '1' }, { classId: 'a', id: 'port', instanceId: '2' }, { classId: 'b', id: 'dns' }];
    assert.deepEqual(matchPropertyKey('hostname', names), { kind: 'fullId', id: 'hostname' });
    assert.deepEqual(matchPropertyKey('a.port.2', names), { kind: 'fullId', id: 'a.port.2' });
    assert.deepEqual(matchPropertyKey('dns', names), { kind: 'bareKey', id: 'b.dns' });
    assert.deepEqual(matchPropertyKey('port', names), { kind: 'ambiguous', candidates: ['a.port.1', 'a.port.2'] });
    assert.deepEqual(matchPropertyKey('hostnmae', names), { kind: 'unknown', nearest: ['hostname'] });
    assert.deepEqual(matchPropertyKey('prot', names), { kind: 'unknown', nearest: ['a.port.1', 'a.port.2'] });
    assert.deepEqual(matchPropertyKey('Hostname', names), { kind: 'unknown', nearest: ['hostname'] }, 'keys are case-sensitive, as in vSphere');
    assert.deepEqual(matchPropertyKey('zzz', names), { kind: 'unknown', nearest: [] });
    assert.deepEqual([editDistance('', 'ab'), editDistance('wrokers', 'workers'), editDistance('kitten', 'sitting')], [2, 1, 3]);
    assert.deepEqual(nearest('ab', ['xy', 'abc']), ['abc']);
  });
});

describe('the plan: EULAs and deployment options', () => {
  it('refuses a EULA not accepted, with the fix in the words of each front end, and imports one accepted', () => {
    const words = {
      cli: ['--accept-all-eulas', 'ovfkit parse'],
      pulumi: ['acceptAllEulas: true', 'getOvfDescriptor(source)'],
      cdktf: ['acceptAllEulas: true', 'the OvfDescriptor construct'],
      terraform: ['accept_all_eulas = true', 'the ovfkit_descriptor data source'],
      api: ['importOption "acceptAllEulas"', 'ParseDescriptor'],
    } as const;
    for (const [vocabulary, [flag, listing]] of Object.entries(words) as Array<[keyof typeof words, readonly [string, string]]>) {
      const { plan } = createPlan(ovf({ eula: true }), { vocabulary });
      assert.deepEqual(shown(plan.errors), [['plan', 'EULA_NOT_ACCEPTED', undefined, 'The package has 1 EULA that must be accepted before import', `read it (${listing} shows the texts) and accept with ${flag}`]]);
      assert.deepEqual(plan.warnings.map((i) => i.code), []);
      assert.equal(plan.ok, false);
    }
    const accepted = createPlan(ovf({ eula: true }), { importOption: ['acceptAllEulas'] }).plan;
    assert.deepEqual([accepted.ok, accepted.errors, accepted.warnings, accepted.eula], [true, [], [], { count: 1, accepted: true, texts: ['Be nice.'] }]);
  });

  it('reports a deployment option the package does not declare once, and checks the rest against the default', () => {
    const { plan } = createPlan(ovf(), { deploymentOption: 'huge', propertyMapping: { workers: '99' }, vocabulary: 'cli' });
    assert.deepEqual(shown(plan.errors), [
      ['parseDescriptor', 'UNKNOWN_DEPLOYMENT_OPTION', 'huge', 'Deployment option "huge" is not offered by this descriptor', 'choose one of "small", "large", e.g. --deployment-option small'],
      ['createImportSpec', 'PROPERTY_VALUE_INVALID', '99', 'Value for property "com.example.sentry.workers.1" is invalid: is outside 1..64', 'give com.example.sentry.workers.1 a value of type int(1..64)'],
    ]);
    assert.equal(plan.deploymentOption.key, 'small');
  });
});
