#!/usr/bin/env node
/**
 * Regenerates src/provider/ (the CDKTF bindings of terraform-provider-ovfkit) from the provider's
 * schema as the real `terraform providers schema -json` reports it, with @cdktf/provider-generator.
 * Needs `terraform` on PATH; downloads nothing (the provider is installed in a scratch HOME's
 * implied local mirror by `ovfkit terraform install`). `--check` compares instead of writing and
 * exits 1 when the committed bindings differ. The generator's README.md files are not kept (they
 * link to a registry page that does not exist); src/provider/tsconfig.json is ours.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkg = path.resolve(__dirname, '..');
const out = path.join(pkg, 'src', 'provider');
const cli = path.resolve(pkg, '..', 'cli', 'bin', 'ovfkit.js');

function run(cmd, args, env, cwd) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, cwd, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

/** The schema as terraform reports it, for a provider installed in a scratch HOME. */
function providerSchema(scratch) {
  const home = path.join(scratch, 'home');
  const proj = path.join(scratch, 'proj');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(proj, { recursive: true });
  // Only the mirror `ovfkit terraform install` writes: nothing can be downloaded.
  const rc = path.join(scratch, 'terraform.rc');
  fs.writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(path.join(home, '.terraform.d', 'plugins'))}\n    include = ["ovfkit/ovfkit"]\n  }\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n`);
  // The generator runs terraform too (its version), with this process's environment.
  Object.assign(process.env, { TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: '1' });
  const env = { ...process.env, HOME: home, TF_IN_AUTOMATION: '1' };
  delete env.TF_PLUGIN_CACHE_DIR;
  run(process.execPath, [cli, 'terraform', 'install'], env);
  fs.writeFileSync(path.join(proj, 'main.tf'), 'terraform {\n  required_providers {\n    ovfkit = { source = "ovfkit/ovfkit" }\n  }\n}\n');
  run('terraform', ['init', '-input=false', '-backend=false'], env, proj);
  return JSON.parse(run('terraform', ['providers', 'schema', '-json'], env, proj));
}

/** Every generated file (.ts) under dir, relative path → text; tsconfig.json is ours, kept. */
function readTree(dir) {
  const files = new Map();
  if (!fs.existsSync(dir)) return files;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const abs = path.join(e.parentPath ?? e.path, e.name);
    files.set(path.relative(dir, abs), fs.readFileSync(abs, 'utf8'));
  }
  return files;
}

async function main() {
  const check = process.argv.includes('--check');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-gen-'));
  try {
    const schema = providerSchema(scratch);
    // Loaded after providerSchema set TF_CLI_CONFIG_FILE: loading it runs `terraform version`.
    // The package index would also load the jsii targets (jsii-pacmak), which TypeScript output
    // does not need, so the generator is taken from its own module.
    const { CodeMaker } = require('codemaker');
    const { TerraformProviderGenerator } = require('@cdktf/provider-generator/lib/get/generator/provider-generator');
    const code = new CodeMaker();
    code.indentation = 2;
    const generator = new TerraformProviderGenerator(code, schema);
    generator.generateAll();
    const gen = path.join(scratch, 'gen');
    await generator.save(gen);
    // generateAll writes providers/<name>/…; the package keeps that one provider's folder.
    const fresh = readTree(path.join(gen, 'providers', 'ovfkit'));
    if (check) {
      const committed = readTree(out);
      const differ = [...new Set([...fresh.keys(), ...committed.keys()])].filter((f) => fresh.get(f) !== committed.get(f));
      if (differ.length) {
        console.error(`src/provider differs from the provider's schema: ${differ.join(', ')}\nrun: node packages/cdktf/scripts/generate-provider.js`);
        process.exit(1);
      }
      console.log(`src/provider matches the provider's schema (${fresh.size} files)`);
      return;
    }
    for (const rel of readTree(out).keys()) fs.rmSync(path.join(out, rel));
    for (const [rel, text] of fresh) {
      fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
      fs.writeFileSync(path.join(out, rel), text);
    }
    console.log(`wrote ${fresh.size} files to ${path.relative(process.cwd(), out) || out}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e.message ?? e); process.exit(1); });
