import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { dynamicUrn, pulumiRoot, RpcError, startPluginHost, UNKNOWN, type PluginHost } from './plugin-host';

// A trivial dynamic provider, serialized by Pulumi's own closure serializer exactly as
// `pulumi.dynamic.Resource` does it (`serializeFunction(() => provider, { allowSecrets: true })`).
const pulumi = createRequire(path.join(pulumiRoot, 'package.json'))('@pulumi/pulumi') as {
  runtime: { serializeFunction(f: () => unknown, o?: object): Promise<{ text: string }> };
};
const counterProvider = {
  async configure(req: { config: { get(k: string): string | undefined } }) {
    (globalThis as Record<string, unknown>)['__greeting'] = req.config.get('trivial:greeting') ?? 'hello';
  },
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures = typeof news['count'] === 'number' || news['count'] === '04da6b54-80e4-46f7-96ec-b56ff0331ba9'
      ? [] : [{ property: 'count', reason: 'count must be a number' }];
    return { inputs: { ...news, checked: true }, failures };
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { changes: olds['count'] !== news['count'], replaces: olds['label'] !== news['label'] ? ['label'] : [] };
  },
  async create(inputs: Record<string, unknown>) {
    return { id: `counter-${String(inputs['count'])}`, outs: { count: inputs['count'], greeting: (globalThis as Record<string, unknown>)['__greeting'] } };
  },
  async read(id: string, props: Record<string, unknown>) {
    return { id, props: { ...props, readBack: true } };
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: { count: news['count'], updated: true } };
  },
  async delete(id: string) {
    if (id === 'counter-13') throw new Error('thirteen cannot be deleted');
  },
};

describe('the Pulumi dynamic-provider plugin host, driven over gRPC', function () {
  this.timeout(60_000);
  let host: PluginHost;
  let serialized: string;
  const urn = dynamicUrn('c1');

  before(async () => {
    serialized = (await pulumi.runtime.serializeFunction(() => counterProvider, { allowSecrets: true })).text;
    host = await startPluginHost();
  });
  after(async () => { await host?.stop(); });

  it('reports the @pulumi/pulumi version it was started from', async () => {
    const own = createRequire(path.join(pulumiRoot, 'package.json'))('./package.json') as { version: string };
    assert.equal(await host.pluginVersion(), own.version);
  });

  it('accepts Configure with the namespaced stack config and hands it to the provider', async () => {
    const r = await host.configure({ 'trivial:greeting': 'hi' });
    assert.equal(r.acceptSecrets, false);
    const created = await host.create(urn, { __provider: serialized, count: 1 });
    assert.equal(created.properties['greeting'], 'hi');
  });

  it('runs Check and returns the provider inputs, the __provider kept, and its failures by property', async () => {
    const ok = await host.check(urn, {}, { __provider: serialized, count: 2 });
    assert.deepEqual(ok.failures, []);
    assert.equal(ok.inputs['checked'], true);
    assert.equal(ok.inputs['__provider'], serialized);
    const bad = await host.check(urn, {}, { __provider: serialized, count: 'two' });
    assert.deepEqual(bad.failures, [{ property: 'count', reason: 'count must be a number' }]);
  });

  it('passes the engine unknown sentinel through to Check unchanged', async () => {
    const r = await host.check(urn, {}, { __provider: serialized, count: UNKNOWN });
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs['count'], UNKNOWN);
  });

  it('decodes Diff changes and replaces', async () => {
    assert.deepEqual(await host.diff('counter-1', urn, { __provider: serialized, count: 1, label: 'a' }, { __provider: serialized, count: 1, label: 'a' }),
      { changes: 'none', replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(await host.diff('counter-1', urn, { __provider: serialized, count: 1, label: 'a' }, { __provider: serialized, count: 2, label: 'b' }),
      { changes: 'some', replaces: ['label'], deleteBeforeReplace: false });
  });

  it('runs Create, Read and Update, keeping __provider in every state it returns', async () => {
    const c = await host.create(urn, { __provider: serialized, count: 5 });
    assert.equal(c.id, 'counter-5');
    assert.equal(c.properties['__provider'], serialized);
    const r = await host.read(c.id, urn, c.properties);
    assert.equal(r.properties['readBack'], true);
    const u = await host.update(c.id, urn, c.properties, { __provider: serialized, count: 6 });
    assert.deepEqual({ ...u.properties, __provider: undefined }, { count: 6, updated: true, __provider: undefined });
  });

  it('turns a provider exception in Delete into an RPC error carrying its message', async () => {
    await host.delete('counter-5', urn, { __provider: serialized, count: 5 });
    await assert.rejects(host.delete('counter-13', urn, { __provider: serialized, count: 13 }),
      (e: unknown) => e instanceof RpcError && /thirteen cannot be deleted/.test(e.message));
  });
});
