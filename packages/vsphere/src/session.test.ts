import * as assert from 'node:assert/strict';
import { VimSession } from './session';
import type { HttpRequest, HttpResponse } from './soap/client';

const env = (body: string): string =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const ok = (body: string): HttpResponse => ({ status: 200, headers: {}, body: env(body) });
const vm = (id: string): string => `<objects><obj type="VirtualMachine">${id}</obj><propSet><name>name</name><val xsi:type="xsd:string">${id}</val></propSet></objects>`;

function server(answers: Record<string, Array<() => HttpResponse>>) {
  const calls: string[] = [];
  return {
    calls,
    transport: async (r: HttpRequest): Promise<HttpResponse> => {
      const method = /<(\w+) xmlns="urn:vim25"/.exec(r.body)![1]!;
      calls.push(method);
      if (method === 'RetrieveServiceContent') return ok('<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">pc</propertyCollector><about><apiType>HostAgent</apiType></about><sessionManager type="SessionManager">sm</sessionManager><searchIndex type="SearchIndex">si</searchIndex></returnval></RetrieveServiceContentResponse>');
      if (method === 'Login') return ok('<LoginResponse xmlns="urn:vim25"><returnval><key>k</key></returnval></LoginResponse>');
      const next = answers[method]?.shift();
      if (!next) throw new Error(`unexpected ${method}`);
      return next();
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

  it('waits for a task and raises its error as a VimFault with the task\'s message', async () => {
    const info = (state: string, extra = ''): (() => HttpResponse) => () =>
      ok(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="Task">task-1</obj><propSet><name>info</name><val xsi:type="TaskInfo"><key>task-1</key><task type="Task">task-1</task><state>${state}</state>${extra}</val></propSet></objects></returnval></RetrievePropertiesExResponse>`);
    const { transport } = server({
      RetrievePropertiesEx: [info('queued'), info('running'), info('error', '<error><fault xsi:type="InvalidPowerState"><requestedState>poweredOff</requestedState><existingState>poweredOn</existingState></fault><localizedMessage>The attempted operation cannot be performed in the current state (Powered on).</localizedMessage></error>')],
    });
    const s = await VimSession.connect({ server: 'vc.invalid', userName: 'u', password: 'x', transport });
    await assert.rejects(s.waitForTask({ type: 'Task', value: 'task-1' }, undefined, 1), (e: Error & { _typeName?: string; is?: (t: string) => boolean }) => {
      assert.equal(e._typeName, 'InvalidPowerState');
      assert.ok(e.is?.('InvalidState'));
      assert.match(e.message, /cannot be performed in the current state/);
      return true;
    });
  });

  it('refuses to connect without a server or user, and with two trust options at once', async () => {
    await assert.rejects(VimSession.connect({ server: '', userName: 'u', password: 'p' }), /VSPHERE_SERVER/);
    await assert.rejects(VimSession.connect({ server: 'vc', userName: '', password: 'p' }), /VSPHERE_USER/);
    await assert.rejects(VimSession.connect({ server: 'vc', userName: 'u', password: 'p', insecure: true, thumbprint: 'AA' }), /choose one of/);
  });
});
