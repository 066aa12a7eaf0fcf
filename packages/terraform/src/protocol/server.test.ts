/**
 * The plugin process as a go-plugin host sees it: spawned with the host's environment, it
 * prints the handshake line, serves over mutual TLS on 127.0.0.1 only, answers every RPC of the
 * tfplugin6 Provider service and go-plugin's services, and exits when the controller says so.
 */
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import '../protocol/tls';
import * as x509 from '@peculiar/x509';

import { RPC_NAMES } from './messages';
import { loadServices, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from './server';
import { generatePluginCertificate, type PluginCertificate } from './tls';
import { decodeDynamicValue, encodeDynamicValue, isUnknown, UNKNOWN } from './values';
import { objectType } from './schema';
import { IMPORT_SCHEMA, PLAN_SCHEMA } from '../provider/schema';

const bin = path.join(__dirname, '..', '..', 'bin', 'terraform-provider-ovfkit.js');
const minimalOva = path.join(__dirname, '..', '..', '..', '..', 'examples', 'minimal', 'minimal.ova');

type Unary = (req: unknown, cb: (err: grpc.ServiceError | null, res: any) => void) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Started { child: ChildProcess; line: string; exited: Promise<number | null>; stderr: () => string }

function start(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [bin], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve({ child, line, exited, stderr: () => err }));
    child.once('exit', (code) => reject(new Error(`exited ${code} before the handshake: ${err}`)));
  });
}

function serverCertPem(base64: string): string {
  return new x509.X509Certificate(Buffer.from(base64, 'base64')).toString('pem');
}

describe('terraform-provider-ovfkit, started as a go-plugin host starts it', function () {
  this.timeout(60_000);
  let host: PluginCertificate;
  let plugin: Started;
  let provider: Record<string, Unary>;
  let controller: Record<string, Unary>;
  let stdio: grpc.Client & { StreamStdio: (req: unknown) => grpc.ClientReadableStream<unknown> };
  let health: Record<string, Unary>;
  const call = <T = any>(client: Record<string, Unary>, method: string, req: unknown = {}): Promise<T> => // eslint-disable-line @typescript-eslint/no-explicit-any
    new Promise((resolve, reject) => client[method]!.call(client, req, (e, r) => (e ? reject(e) : resolve(r as T))));

  before(async () => {
    host = await generatePluginCertificate();
    plugin = await start({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: host.certPem });
    const m = /^1\|6\|tcp\|127\.0\.0\.1:(\d+)\|grpc\|([A-Za-z0-9+/]+)$/.exec(plugin.line);
    assert.ok(m, plugin.line);
    const creds = grpc.credentials.createSsl(Buffer.from(serverCertPem(m[2]!)), Buffer.from(host.keyPem), Buffer.from(host.certPem));
    const services = loadServices();
    const make = (svc: grpc.ServiceDefinition): any => new (grpc.makeGenericClientConstructor(svc, ''))(`127.0.0.1:${m[1]}`, creds, { 'grpc.ssl_target_name_override': 'localhost' }); // eslint-disable-line @typescript-eslint/no-explicit-any
    provider = make(services.provider);
    controller = make(services.controller);
    stdio = make(services.stdio);
    health = make(services.health);
  });

  after(() => { plugin?.child.kill(); });

  it('prints the handshake: core protocol 1, plugin protocol 6, tcp on 127.0.0.1, grpc, and a self-signed localhost certificate (base64 DER, no padding)', () => {
    const b64 = plugin.line.split('|')[5]!;
    assert.ok(!b64.endsWith('='));
    const cert = new x509.X509Certificate(Buffer.from(b64, 'base64'));
    assert.match(cert.subject, /CN=localhost/);
    assert.equal(cert.subject, cert.issuer);
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    assert.ok(san?.names.items.some((n) => n.type === 'dns' && n.value === 'localhost'));
  });

  it('answers every RPC of the tfplugin6 Provider service', async () => {
    const importType = objectType(IMPORT_SCHEMA);
    const answers: Record<string, unknown> = {};
    const requests: Record<string, unknown> = {
      ValidateResourceConfig: { type_name: 'ovfkit_import', config: encodeDynamicValue({ source: minimalOva, property_mapping: { workers: '40' } }, importType) },
      ValidateDataResourceConfig: { type_name: 'ovfkit_plan' },
      UpgradeResourceState: { type_name: 'ovfkit_import', version: 0, raw_state: { json: Buffer.from(JSON.stringify({ id: 'VirtualMachine:vm-1', source: 'x' })) } },
      ConfigureProvider: { terraform_version: '1.11.4', config: encodeDynamicValue({}, ['object', {}]) },
      ReadResource: { type_name: 'ovfkit_import', current_state: encodeDynamicValue(null, importType) },
      PlanResourceChange: { type_name: 'ovfkit_import', proposed_new_state: encodeDynamicValue({ source: UNKNOWN }, importType), config: encodeDynamicValue({ source: UNKNOWN }, importType) },
      ApplyResourceChange: { type_name: 'ovfkit_import', prior_state: encodeDynamicValue(null, importType), planned_state: encodeDynamicValue(null, importType) },
      ImportResourceState: { type_name: 'ovfkit_export', id: 'x' },
      MoveResourceState: { source_type_name: 'a', target_type_name: 'ovfkit_import' },
      ReadDataSource: { type_name: 'ovfkit_plan', config: encodeDynamicValue({ source: minimalOva, property_mapping: { hostname: 'app01' } }, objectType(PLAN_SCHEMA)) },
      ValidateEphemeralResourceConfig: { type_name: 'x' }, OpenEphemeralResource: { type_name: 'x' }, RenewEphemeralResource: { type_name: 'x' }, CloseEphemeralResource: { type_name: 'x' },
      CallFunction: { name: 'nope', arguments: [] },
    };
    // ConfigureProvider comes before the calls that need a configured provider, as Terraform orders them.
    const order = ['ConfigureProvider', ...RPC_NAMES.filter((n) => n !== 'ConfigureProvider' && n !== 'StopProvider'), 'StopProvider'];
    for (const name of order) answers[name] = await call(provider, name, requests[name] ?? {});

    const md = answers['GetMetadata'] as { resources: { type_name: string }[]; data_sources: { type_name: string }[] };
    assert.deepEqual(md.resources.map((r) => r.type_name), ['ovfkit_import', 'ovfkit_export']);
    assert.deepEqual(md.data_sources.map((r) => r.type_name), ['ovfkit_descriptor', 'ovfkit_plan']);
    const schema = answers['GetProviderSchema'] as { provider: { block: { attributes: { name: string; sensitive?: boolean }[] } }; resource_schemas: Record<string, { block: { attributes: { name: string; type: Buffer; write_only?: boolean }[] } }> };
    assert.deepEqual(schema.provider.block.attributes.map((a) => a.name), ['server', 'user', 'password', 'thumbprint', 'ca', 'insecure', 'host_profile', 'inventory']);
    assert.equal(schema.provider.block.attributes.find((a) => a.name === 'password')?.sensitive, true);
    const imp = schema.resource_schemas['ovfkit_import']!.block.attributes;
    assert.equal(JSON.parse(imp.find((a) => a.name === 'property_mapping')!.type.toString()).join(), 'map,string');
    assert.equal(imp.find((a) => a.name === 'password_property_mapping')?.write_only, true);

    // Empty repeated fields are not on the wire (proto3), so an answer without diagnostics is {}.
    assert.deepEqual(answers['ValidateProviderConfig'], {});
    const v = answers['ValidateResourceConfig'] as { diagnostics: { severity: string; summary: string; attribute: unknown }[] };
    assert.deepEqual(v.diagnostics.map((d) => [d.severity, d.summary, d.attribute]), [
      ['ERROR', 'Value for property "workers" is invalid: is outside 1..16', { steps: [{ attribute_name: 'property_mapping', selector: 'attribute_name' }, { element_key_string: 'workers', selector: 'element_key_string' }] }],
    ]);
    assert.deepEqual(answers['ValidateDataResourceConfig'], {});
    const up = answers['UpgradeResourceState'] as { upgraded_state: { msgpack: Buffer } };
    assert.equal((decodeDynamicValue(up.upgraded_state, importType) as Record<string, unknown>)['id'], 'VirtualMachine:vm-1');
    const plan = answers['PlanResourceChange'] as { planned_state: { msgpack: Buffer }; diagnostics?: unknown[] };
    const planned = decodeDynamicValue(plan.planned_state, importType) as Record<string, unknown>;
    assert.ok(isUnknown(planned['source']) && isUnknown(planned['id']) && isUnknown(planned['descriptor_digest']), 'an unknown source plans, with what depends on it unknown');
    assert.equal(plan.diagnostics, undefined);
    assert.deepEqual(answers['ApplyResourceChange'], { new_state: { msgpack: encodeDynamicValue(null, importType).msgpack } });
    const ds = answers['ReadDataSource'] as { state: { msgpack: Buffer } };
    const dsv = decodeDynamicValue(ds.state, objectType(PLAN_SCHEMA)) as Record<string, unknown>;
    assert.equal(dsv['ok'], true);
    assert.match(String(dsv['descriptor_digest']), /^sha256:[0-9a-f]{64}$/);
    for (const name of ['ImportResourceState', 'MoveResourceState', 'ValidateEphemeralResourceConfig', 'OpenEphemeralResource', 'RenewEphemeralResource', 'CloseEphemeralResource']) {
      const d = (answers[name] as { diagnostics: { severity: string }[] }).diagnostics;
      assert.deepEqual(d.map((x) => x.severity), ['ERROR'], name);
    }
    assert.deepEqual(answers['GetFunctions'], {});
    assert.match((answers['CallFunction'] as { error: { text: string } }).error.text, /no function named "nope"/);
    assert.deepEqual(answers['StopProvider'], { Error: '' });
  });

  it('reports healthy to go-plugin\'s ping (grpc.health.v1, service "plugin") and holds a stdio stream open', async () => {
    assert.deepEqual(await call(health, 'Check', { service: 'plugin' }), { status: 'SERVING' });
    const stream = stdio.StreamStdio({});
    let ended = false;
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    stream.on('end', () => { ended = true; });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(ended, false);
    stream.cancel();
  });

  it('refuses a client without the certificate the host announced (mutual TLS)', async () => {
    const port = /127\.0\.0\.1:(\d+)/.exec(plugin.line)![1];
    const stranger = await generatePluginCertificate();
    const creds = grpc.credentials.createSsl(Buffer.from(serverCertPem(plugin.line.split('|')[5]!)), Buffer.from(stranger.keyPem), Buffer.from(stranger.certPem));
    const client = new (grpc.makeGenericClientConstructor(loadServices().provider, ''))(`127.0.0.1:${port}`, creds, { 'grpc.ssl_target_name_override': 'localhost' }) as unknown as Record<string, Unary>;
    await assert.rejects(call(client, 'GetMetadata'), (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE);
    (client as unknown as grpc.Client).close();
  });

  it('exits 0 when the controller asks it to shut down', async () => {
    await call(controller, 'Shutdown', {});
    assert.equal(await plugin.exited, 0);
  });
});

describe('terraform-provider-ovfkit, started by hand or by a host it cannot serve', () => {
  const run = (env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [bin], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('without the magic cookie: says it is a plugin, prints no handshake, exits 1', () => {
    const r = run({});
    assert.deepEqual([r.status, r.stdout], [1, '']);
    assert.match(r.stderr, /This binary is a plugin: Terraform or OpenTofu starts it/);
  });

  it('without PLUGIN_CLIENT_CERT, a garbled one, or a host that speaks only protocol 5: names the problem, exits 1', () => {
    const base = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE };
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [base, /PLUGIN_CLIENT_CERT is not set: the host must ask for mutual TLS/],
      [{ ...base, PLUGIN_CLIENT_CERT: 'not a cert' }, /PLUGIN_CLIENT_CERT is not a PEM certificate/],
      [{ ...base, PLUGIN_PROTOCOL_VERSIONS: '5' }, /the host speaks plugin protocol 5; this provider speaks protocol 6/],
    ];
    for (const [env, message] of cases) {
      const r = run(env);
      assert.deepEqual([r.status, r.stdout], [1, ''], r.stderr);
      assert.match(r.stderr, message);
    }
  });
});
