import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { checkProjectFile } from './project-file';

const repo = path.resolve(__dirname, '..', '..', '..');

/** Every `Pulumi.yaml` under the repository, outside node_modules, build output and .git. */
function projectFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (['node_modules', '.git', 'dist', '.pack'].includes(e.name)) continue;
      out.push(...projectFiles(path.join(dir, e.name)));
    } else if (e.name === 'Pulumi.yaml' || e.name === 'Pulumi.yml') out.push(path.join(dir, e.name));
  }
  return out;
}

describe('Pulumi.yaml files load under the Pulumi CLI rules (project.json + Project.Validate)', () => {
  it('every Pulumi.yaml in the repository passes', () => {
    const files = projectFiles(repo).map((f) => path.relative(repo, f)).sort();
    assert.deepEqual(files, ['examples/pulumi-import/Pulumi.yaml']);
    for (const f of files) assert.deepEqual(checkProjectFile(fs.readFileSync(path.join(repo, f), 'utf8')), [], f);
  });

  it('refuses the example as it was: namespaced keys with only a description', () => {
    const before = [
      'name: ovfkit-pulumi-import', 'runtime:', '  name: nodejs', 'config:',
      '  ovfkit:server:', '    description: vCenter or ESXi host name',
      '  ovfkit:user:', '    description: vSphere user',
      '  ovfkit:password:', '    description: vSphere password',
      '  ovfkit:thumbprint:', '    description: SHA-256 fingerprint',
    ].join('\n');
    assert.deepEqual(checkProjectFile(before), ['ovfkit:password', 'ovfkit:server', 'ovfkit:thumbprint', 'ovfkit:user'].map((k) => ({
      at: `/config/${k}`, message: `Configuration key '${k}' is namespaced and must provide an attribute 'value'`,
    })));
  });

  it('applies the rest of Project.Validate to config keys', () => {
    const text = [
      'name: p', 'runtime: nodejs', 'config:',
      '  p:hosts:', '    type: array',
      '  count:', '    type: integer', '    default: many',
      '  both:', '    default: a', '    value: b',
      '  vsphere:user:', '    type: string', '    value: ci',
      '  vsphere:password:', '    default: x',
      '  vsphere:vsphereServer: vc.example.com',
      '  aws:region:', '    value: us-west-2',
    ].join('\n');
    assert.deepEqual(checkProjectFile(text), [
      { at: '/config/both', message: "project config 'both' cannot have both a 'default' and 'value' attribute" },
      { at: '/config/count', message: "The default value specified for configuration key 'count' is not of the expected type 'integer'" },
      { at: '/config/p:hosts', message: "The configuration key 'p:hosts' declares an array but does not specify the underlying type via the 'items' attribute" },
      { at: '/config/vsphere:password', message: "Configuration key 'vsphere:password' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?" },
      { at: '/config/vsphere:user', message: "Configuration key 'vsphere:user' is not namespaced by the project and should not define a type" },
    ]);
  });

  it('applies the project schema first: required keys, runtime shape, closed declaration objects', () => {
    assert.deepEqual(checkProjectFile('name: p\n'), [{ at: '', message: 'is missing "runtime"' }]);
    assert.deepEqual(checkProjectFile('name: p\nruntime:\n  name: nodejs\n  typescript: true\n'), [{ at: '/runtime/typescript', message: 'is not allowed (allowed: name, options)' }]);
    assert.deepEqual(checkProjectFile('name: p\nruntime: nodejs\nconfig:\n  source:\n    type: text\n    required: true\n'), [
      { at: '/config/source/required', message: 'is not allowed in a config declaration (allowed: type, items, description, secret, default, value)' },
      { at: '/config/source/type', message: 'must be one of string, integer, boolean, array' },
    ]);
    assert.deepEqual(checkProjectFile('name: p\nruntime: nodejs\noptions:\n  refresh: never\n'), [{ at: '/options/refresh', message: 'has the wrong type' }]);
    assert.equal(checkProjectFile('name: [p\n')[0]?.message.startsWith('not YAML:'), true);
  });
});
