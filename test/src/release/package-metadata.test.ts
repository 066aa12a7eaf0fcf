/**
 * What npm shows and needs for each published package, read from the package.json files and
 * READMEs in the repository: one repository URL everywhere, links that work on npmjs.com (no
 * `../` paths), and example projects whose ovfkit dependencies name the versions being published.
 * Cheap, so it runs in every test run; packing and installing is pack-install.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { packageDirs, REPOSITORY } from './release-env';


interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  repository?: { type: string; url: string; directory?: string };
  homepage?: string;
  bugs?: { url: string };
  engines?: { node?: string };
  publishConfig?: { access?: string };
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (file: string): Manifest => JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;

describe('published package metadata', () => {
  const workspaceVersions = new Map(packageDirs.map((d) => {
    const m = readJson(path.join(repoRoot, 'packages', d, 'package.json'));
    return [m.name, m.version] as const;
  }));

  it('every package names the repository (with its folder), homepage, bugs, Apache-2.0, Node >= 20, public access, and ships README and LICENSE', () => {
    assert.deepEqual(packageDirs, ['cdktf', 'cli', 'core', 'package', 'pulumi', 'terraform', 'vsphere']);
    for (const d of packageDirs) {
      const dir = path.join(repoRoot, 'packages', d);
      const m = readJson(path.join(dir, 'package.json'));
      assert.deepEqual(
        { private: m.private, license: m.license, repository: m.repository, homepage: m.homepage, bugs: m.bugs, engines: m.engines, publishConfig: m.publishConfig },
        {
          private: undefined,
          license: 'Apache-2.0',
          repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${d}` },
          homepage: `${REPOSITORY}/tree/main/packages/${d}#readme`,
          bugs: { url: `${REPOSITORY}/issues` },
          engines: { node: '>=20' },
          publishConfig: { access: 'public' },
        },
        m.name,
      );
      assert.ok(m.files?.includes('dist') && m.files.includes('README.md') && m.files.includes('LICENSE'), `${m.name} files: ${JSON.stringify(m.files)}`);
      assert.ok(fs.statSync(path.join(dir, 'README.md')).size > 200, `${m.name} has a README`);
      assert.equal(fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8'), fs.readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8'), `${m.name} LICENSE`);
    }
  });

  it('package READMEs link only to absolute URLs, and those into the repository name a file that exists', () => {
    const bad: string[] = [];
    for (const d of packageDirs) {
      const readme = fs.readFileSync(path.join(repoRoot, 'packages', d, 'README.md'), 'utf8');
      for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
        const t = target!;
        if (!/^https:\/\//.test(t)) bad.push(`${d}: ${t} is not an absolute https URL`);
        const inRepo = new RegExp(`^${REPOSITORY.replace(/[.]/g, '\\.')}/(?:blob|tree)/main/([^#]+)`).exec(t);
        if (inRepo && !fs.existsSync(path.join(repoRoot, inRepo[1]!))) bad.push(`${d}: ${t} names ${inRepo[1]}, not in the repository`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the examples depend on the ovfkit packages by the version being published (^version), not by workspace: or file: paths', () => {
    const found: string[] = [];
    for (const ex of ['pulumi-import', 'cdktf-import']) {
      const m = readJson(path.join(repoRoot, 'examples', ex, 'package.json'));
      for (const [name, range] of Object.entries({ ...m.dependencies, ...m.devDependencies })) {
        const version = workspaceVersions.get(name);
        if (version === undefined) continue;
        found.push(`${ex} ${name}`);
        assert.equal(range, `^${version}`, `${ex}: ${name}`);
      }
    }
    // The CDKTF example gets the ovfkit CLI through @ovfkit/cdktf, which depends on it.
    assert.deepEqual(found, ['pulumi-import @ovfkit/pulumi', 'cdktf-import @ovfkit/cdktf']);
    // The CI example's workflow installs the CLI being published.
    const workflow = fs.readFileSync(path.join(repoRoot, 'examples', 'ci-preview', '.github', 'workflows', 'ovfkit-preview.yml'), 'utf8');
    assert.deepEqual([...workflow.matchAll(/npm install -g (ovfkit@\S+)/g)].map((m) => m[1]), [`ovfkit@${workspaceVersions.get('ovfkit')}`]);
  });
});
