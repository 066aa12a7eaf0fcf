import * as assert from 'node:assert/strict';
import { withLease } from './lease';
import { VimSession } from './session';
import type { HttpRequest, HttpResponse } from './soap/client';

const env = (body: string): string =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const ok = (body: string): HttpResponse => ({ status: 200, headers: {}, body: env(body) });

/**
 * A vim25 endpoint that knows just enough to hold one lease: it answers by method name and
 * records every call, so the tests can read the lease protocol the client spoke.
 */
function leaseServer(options: { states: string[]; progressFails?: boolean }) {
  const calls: string[] = [];
  const states = [...options.states];
  const transport = async (r: HttpRequest): Promise<HttpResponse> => {
    const method = /<(\w+) xmlns="urn:vim25"/.exec(r.body)![1]!;
    calls.push(method);
    switch (method) {
      case 'RetrieveServiceContent':
        return ok('<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">pc</propertyCollector><about><apiType>VirtualCenter</apiType></about><sessionManager type="SessionManager">sm</sessionManager><searchIndex type="SearchIndex">si</searchIndex></returnval></RetrieveServiceContentResponse>');
      case 'Login':
        return { ...ok('<LoginResponse xmlns="urn:vim25"><returnval><key>k</key></returnval></LoginResponse>'), headers: { 'set-cookie': 'vmware_soap_session="abc"; Path=/' } };
      case 'RetrievePropertiesEx': {
        const state = states.length > 1 ? states.shift()! : states[0]!;
        const err = state === 'error' ? '<propSet><name>error</name><val xsi:type="LocalizedMethodFault"><fault xsi:type="FileFault"><file>x</file></fault><localizedMessage>datastore full</localizedMessage></val></propSet>' : '';
        return ok(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="HttpNfcLease">lease-1</obj>
          <propSet><name>info</name><val xsi:type="HttpNfcLeaseInfo"><lease type="HttpNfcLease">lease-1</lease><entity type="VirtualMachine">vm-1</entity><totalDiskCapacityInKB>1</totalDiskCapacityInKB><leaseTimeout>1</leaseTimeout></val></propSet>
          <propSet><name>state</name><val xsi:type="HttpNfcLeaseState">${state}</val></propSet>${err}</objects></returnval></RetrievePropertiesExResponse>`);
      }
      case 'CreatePropertyCollector':
        // A server without the push collector: the lease is then polled (RetrievePropertiesEx).
        return { status: 500, headers: {}, body: env('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>no such method</faultstring><detail><MethodNotFoundFault xmlns="urn:vim25" xsi:type="MethodNotFound"><method>CreatePropertyCollector</method></MethodNotFoundFault></detail></soapenv:Fault>') };
      case 'HttpNfcLeaseProgress':
        if (options.progressFails) return { status: 500, headers: {}, body: env('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>lease timed out</faultstring><detail><TimedoutFault xmlns="urn:vim25" xsi:type="Timedout"/></detail></soapenv:Fault>') };
        return ok('<HttpNfcLeaseProgressResponse xmlns="urn:vim25"/>');
      default:
        return ok(`<${method}Response xmlns="urn:vim25"/>`);
    }
  };
  return { calls, transport };
}

const LEASE = { type: 'HttpNfcLease', value: 'lease-1' };
const connect = (transport: (r: HttpRequest) => Promise<HttpResponse>) => VimSession.connect({ server: 'https://vc.invalid', userName: 'u', password: 'p', transport });
const leaseCalls = (calls: string[]) => calls.filter((c) => c.startsWith('HttpNfcLease') && c !== 'HttpNfcLeaseProgress');

describe('lease discipline (withLease)', () => {
  it('waits for ready, reports progress while working, then completes', async () => {
    const { calls, transport } = leaseServer({ states: ['initializing', 'ready'] });
    const s = await connect(transport);
    const result = await withLease(s, LEASE, async (l) => {
      l.progress(50);
      await new Promise((r) => setTimeout(r, 350));
      return l.info.entity.value;
    }, { pollMs: 10, keepAliveMs: 100 });
    assert.equal(result, 'vm-1');
    assert.ok(calls.filter((c) => c === 'HttpNfcLeaseProgress').length >= 3, 'the keep-alive ran while the work was in progress');
    assert.deepEqual(leaseCalls(calls), ['HttpNfcLeaseComplete']);
  });

  it('aborts the lease and rethrows when the work fails', async () => {
    const { calls, transport } = leaseServer({ states: ['ready'] });
    const s = await connect(transport);
    await assert.rejects(withLease(s, LEASE, async () => { throw new Error('upload failed'); }, { pollMs: 10 }), /upload failed/);
    assert.deepEqual(leaseCalls(calls), ['HttpNfcLeaseAbort']);
  });

  it('stops the work and aborts when the keep-alive finds the lease lost', async () => {
    const { calls, transport } = leaseServer({ states: ['ready'], progressFails: true });
    const s = await connect(transport);
    await assert.rejects(
      withLease(s, LEASE, (l) => new Promise((_, reject) => l.signal.addEventListener('abort', () => reject(l.signal.reason as Error))), { pollMs: 10, keepAliveMs: 20 }),
      /lease timed out/,
    );
    assert.deepEqual(leaseCalls(calls), ['HttpNfcLeaseAbort']);
  });

  it('raises the lease error when the lease never becomes ready, and still aborts', async () => {
    const { calls, transport } = leaseServer({ states: ['initializing', 'error'] });
    const s = await connect(transport);
    await assert.rejects(withLease(s, LEASE, async () => 'unreached', { pollMs: 10 }), (e: Error & { _typeName?: string }) => e._typeName === 'FileFault' && /datastore full/.test(e.message));
    assert.deepEqual(leaseCalls(calls), ['HttpNfcLeaseAbort']);
  });

  it('aborts when the caller\'s signal fires mid-transfer', async () => {
    const { calls, transport } = leaseServer({ states: ['ready'] });
    const s = await connect(transport);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(
      withLease(s, LEASE, (l) => new Promise((_, reject) => l.signal.addEventListener('abort', () => reject(l.signal.reason as Error))), { pollMs: 10, signal: controller.signal }),
      /interrupted/,
    );
    assert.deepEqual(leaseCalls(calls), ['HttpNfcLeaseAbort']);
  });
});
