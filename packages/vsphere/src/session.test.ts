import * as assert from 'node:assert/strict';
import { VimSession } from './session';
import type { HttpRequest, HttpResponse } from './soap/client';

const env = (body: string): string =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const ok = (body: string): HttpResponse => ({ status: 200, headers: {}, body: env(body) });
const vm = (id: string): string => `<objects><obj type="VirtualMachine">${id}</obj><propSet><name>name</name><val xsi:type="xsd:string">${id}</val></propSet></objects>`;

const fault = (type: string, text: string): (() => HttpResponse) => () => ({
  status: 500,
  headers: {},
  body: env(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${text}</faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}"/></detail></soapenv:Fault>`),
});

function server(answers: Record<string, Array<(r: HttpRequest) => HttpResponse | Promise<HttpResponse>>>) {
  const calls: string[] = [];
  const bodies: string[] = [];
  return {
    calls,
    bodies,
    transport: async (r: HttpRequest): Promise<HttpResponse> => {
      const method = /<(\w+) xmlns="urn:vim25"/.exec(r.body)![1]!;
      calls.push(method);
      bodies.push(r.body);
      if (method === 'RetrieveServiceContent') return ok('<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">pc</propertyCollector><about><apiType>HostAgent</apiType></about><sessionManager type="SessionManager">sm</sessionManager><searchIndex type="SearchIndex">si</searchIndex></returnval></RetrieveServiceContentResponse>');
      if (method === 'Login') return ok('<LoginResponse xmlns="urn:vim25"><returnval><key>k</key></returnval></LoginResponse>');
      const next = answers[method]?.shift();
      if (!next) throw new Error(`unexpected ${method}`);
      return next(r);
    },
  };
}

describe('VimSession', () => {
  it('reads every page of a property retrieval (ContinueRetrievePropertiesEx until no token)', async () => {
    const { calls, transport } = server({
      RetrievePropertiesEx: [() => ok(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>t1</token>${vm('vm-1')}${vm('vm-2')}</returnval></RetrievePropertiesExResponse>`)],
      ContinueRetrievePropertiesEx: [
        () => ok(`<ContinueRetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>t2</token>${vm('vm-3')}</returnval></ContinueRetrievePropertiesExResponse>`),
        () => ok(`<ContinueRetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${vm('vm-4')}</returnval></ContinueRetrievePropertiesExResponse>`),
      ],
    });
    const s = await VimSession.connect({ server: 'esx.invalid', userName: 'root', password: 'x', transport });
    assert.equal(s.isEsx, true);
    const objs = await s.retrieve([{ propSet: [{ type: 'VirtualMachine', pathSet: ['name'] }], objectSet: [{ obj: { type: 'Folder', value: 'group-d1' } }] }]);
    assert.deepEqual(objs.map((o) => o.obj.value), ['vm-1', 'vm-2', 'vm-3', 'vm-4']);
    assert.deepEqual(calls.slice(2), ['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'ContinueRetrievePropertiesEx']);
  });

  const taskInfo = (state: string, extra = ''): string =>
    `<val xsi:type="TaskInfo"><key>task-1</key><task type="Task">task-1</task><state>${state}</state>${extra}</val>`;
  const powerStateError = '<error><fault xsi:type="InvalidPowerState"><requestedState>poweredOff</requestedState><existingState>poweredOn</existingState></fault><localizedMessage>The attempted operation cannot be performed in the current state (Powered on).</localizedMessage></error>';
  const update = (version: string, val: string): (() => HttpResponse) => () =>
    ok(`<WaitForUpdatesExResponse xmlns="urn:vim25"><returnval><version>${version}</version><filterSet><filter type="PropertyFilter">f-1</filter><objectSet><kind>modify</kind><obj type="Task">task-1</obj><changeSet><name>info</name><op>assign</op>${val}</changeSet></objectSet></filterSet></returnval></WaitForUpdatesExResponse>`);
  const collector = () => ({
    CreatePropertyCollector: [() => ok('<CreatePropertyCollectorResponse xmlns="urn:vim25"><returnval type="PropertyCollector">session[1]pc-2</returnval></CreatePropertyCollectorResponse>')],
    CreateFilter: [() => ok('<CreateFilterResponse xmlns="urn:vim25"><returnval type="PropertyFilter">f-1</returnval></CreateFilterResponse>')],
    DestroyPropertyCollector: [() => ok('<DestroyPropertyCollectorResponse xmlns="urn:vim25"/>')],
  });

  it('waits for a task through WaitForUpdatesEx on a private collector, passing each version on, and destroys the collector', async () => {
    const { calls, bodies, transport } = server({
      ...collector(),
      WaitForUpdatesEx: [
        update('1', taskInfo('running')),
        () => ok('<WaitForUpdatesExResponse xmlns="urn:vim25"/>'), // maxWaitSeconds passed, nothing changed
        update('2', taskInfo('error', powerStateError)),
      ],
    });
    const s = await VimSession.connect({ server: 'vc.invalid', userName: 'u', password: 'x', transport });
    await assert.rejects(s.waitForTask({ type: 'Task', value: 'task-1' }), (e: Error & { _typeName?: string; is?: (t: string) => boolean }) => {
      assert.equal(e._typeName, 'InvalidPowerState');
      assert.ok(e.is?.('InvalidState'));
      assert.match(e.message, /cannot be performed in the current state/);
      return true;
    });
    assert.deepEqual(calls.slice(2), ['CreatePropertyCollector', 'CreateFilter', 'WaitForUpdatesEx', 'WaitForUpdatesEx', 'WaitForUpdatesEx', 'DestroyPropertyCollector']);
    const waits = bodies.filter((b) => b.includes('<WaitForUpdatesEx '));
    assert.deepEqual(waits.map((b) => /<version>([^<]*)<\/version>/.exec(b)?.[1]), ['', '1', '1']);
    assert.ok(waits.every((b) => /<options><maxWaitSeconds>\d+<\/maxWaitSeconds><\/options>/.test(b)), 'every wait is bounded by maxWaitSeconds');
    assert.match(bodies.find((b) => b.includes('<CreateFilter '))!, /<_this type="PropertyCollector">session\[1\]pc-2<\/_this><spec><propSet><type>Task<\/type><pathSet>info<\/pathSet><\/propSet><objectSet><obj type="Task">task-1<\/obj><\/objectSet><\/spec><partialUpdates>false<\/partialUpdates>/);
    assert.equal(s.pushUnsupported, false);
  });

  it('cancels the pending wait and destroys the collector when the caller aborts', async () => {
    const controller = new AbortController();
    const { calls, transport } = server({
      ...collector(),
      WaitForUpdatesEx: [
        update('1', taskInfo('running')),
        (r) => new Promise((_, reject) => r.signal!.addEventListener('abort', () => reject(Object.assign(new Error('canceled'), { name: 'CanceledError' })))),
      ],
      CancelWaitForUpdates: [() => ok('<CancelWaitForUpdatesResponse xmlns="urn:vim25"/>')],
    });
    const s = await VimSession.connect({ server: 'vc.invalid', userName: 'u', password: 'x', transport });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(s.waitForTask({ type: 'Task', value: 'task-1' }, controller.signal), (e: Error & { code?: string }) => e.code === 'ABORTED' && /interrupted while waiting for vSphere task task-1/.test(e.message));
    assert.deepEqual(calls.slice(-2), ['CancelWaitForUpdates', 'DestroyPropertyCollector']);
  });

  it('falls back to polling the task when the server has no WaitForUpdatesEx (NotImplemented), and keeps polling after that', async () => {
    const info = (state: string, extra = ''): (() => HttpResponse) => () =>
      ok(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="Task">task-1</obj><propSet><name>info</name>${taskInfo(state, extra)}</propSet></objects></returnval></RetrievePropertiesExResponse>`);
    const { calls, transport } = server({
      CreatePropertyCollector: [fault('NotImplemented', 'not implemented')],
      RetrievePropertiesEx: [info('queued'), info('running'), info('error', powerStateError), info('success')],
    });
    const s = await VimSession.connect({ server: 'vc.invalid', userName: 'u', password: 'x', transport });
    await assert.rejects(s.waitForTask({ type: 'Task', value: 'task-1' }, undefined, 1), (e: Error & { _typeName?: string }) => e._typeName === 'InvalidPowerState');
    assert.equal(s.pushUnsupported, true);
    assert.equal((await s.waitForTask({ type: 'Task', value: 'task-1' }, undefined, 1)).state, 'success');
    assert.deepEqual(calls.slice(2), ['CreatePropertyCollector', 'RetrievePropertiesEx', 'RetrievePropertiesEx', 'RetrievePropertiesEx', 'RetrievePropertiesEx']);
  });

  it('starts the wait again on a new collector when the server lost the old one (a re-login after the session expired)', async () => {
    const lost = (): HttpResponse => ({
      status: 500,
      headers: {},
      body: env('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>managed object not found</faultstring><detail><ManagedObjectNotFoundFault xmlns="urn:vim25" xsi:type="ManagedObjectNotFound"><obj type="PropertyCollector">session[1]pc-2</obj></ManagedObjectNotFoundFault></detail></soapenv:Fault>'),
    });
    const first = collector();
    const second = collector();
    const { calls, transport } = server({
      CreatePropertyCollector: [...first.CreatePropertyCollector, ...second.CreatePropertyCollector],
      CreateFilter: [...first.CreateFilter, ...second.CreateFilter],
      DestroyPropertyCollector: second.DestroyPropertyCollector,
      WaitForUpdatesEx: [update('1', taskInfo('running')), lost, update('1', taskInfo('success'))],
    });
    const s = await VimSession.connect({ server: 'vc.invalid', userName: 'u', password: 'x', transport });
    assert.equal((await s.waitForTask({ type: 'Task', value: 'task-1' })).state, 'success');
    assert.deepEqual(calls.slice(2), ['CreatePropertyCollector', 'CreateFilter', 'WaitForUpdatesEx', 'WaitForUpdatesEx', 'CreatePropertyCollector', 'CreateFilter', 'WaitForUpdatesEx', 'DestroyPropertyCollector']);
  });

  it('does not take a task that failed with NotSupported for a server without WaitForUpdatesEx', async () => {
    const { calls, transport } = server({
      ...collector(),
      WaitForUpdatesEx: [update('1', taskInfo('error', '<error><fault xsi:type="NotSupported"/><localizedMessage>not on this host</localizedMessage></error>'))],
    });
    const s = await VimSession.connect({ server: 'vc.invalid', userName: 'u', password: 'x', transport });
    await assert.rejects(s.waitForTask({ type: 'Task', value: 'task-1' }), (e: Error & { _typeName?: string }) => e._typeName === 'NotSupported' && /not on this host/.test(e.message));
    assert.equal(s.pushUnsupported, false);
    assert.equal(calls.at(-1), 'DestroyPropertyCollector');
  });

  it('refuses to connect without a server or user, and with two trust options at once', async () => {
    // In the words of the caller: the CLI's flags and variables, Pulumi's connection input, or the library's own names.
    await assert.rejects(VimSession.connect({ server: '', userName: 'u', password: 'p', vocabulary: 'cli' }), { message: 'no vSphere server given: set --server (or VSPHERE_SERVER)' });
    await assert.rejects(VimSession.connect({ server: 'vc', userName: '', password: 'p', vocabulary: 'cli' }), { message: 'no vSphere user given: set --user (or VSPHERE_USER)' });
    await assert.rejects(VimSession.connect({ server: 'vc', userName: '', password: 'p', vocabulary: 'pulumi' }), { message: 'no vSphere user given: set connection.user (or ovfkit:user)' });
    await assert.rejects(VimSession.connect({ server: '', userName: 'u', password: 'p' }), { message: 'no vSphere server given: set ConnectOptions.server' });
    await assert.rejects(VimSession.connect({ server: 'vc', userName: 'u', password: 'p', insecure: true, thumbprint: 'AA' }), /choose one of/);
  });
});
