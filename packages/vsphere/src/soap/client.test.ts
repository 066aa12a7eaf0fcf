import * as assert from 'node:assert/strict';
import { type HttpRequest, type HttpResponse, VimClient } from './client';
import { VimFault } from './fault';
import { Login, RetrieveServiceContent, PowerOnVMTask } from './methods';

const env = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const fault = (type: string, message: string, detail = ''): HttpResponse => ({
  status: 500,
  headers: {},
  body: env(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${message}</faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}">${detail}</${type}Fault></detail></soapenv:Fault>`),
});
const SERVICE_CONTENT = env('<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector><about><name>VMware vCenter Server</name><apiType>VirtualCenter</apiType><apiVersion>8.0.3.0</apiVersion></about><sessionManager type="SessionManager">SessionManager</sessionManager><searchIndex type="SearchIndex">SearchIndex</searchIndex></returnval></RetrieveServiceContentResponse>');
const LOGIN_OK: HttpResponse = {
  status: 200,
  headers: { 'set-cookie': ['vmware_soap_session="52d6e2f4a1b3"; Path=/; HttpOnly; Secure'] },
  body: env('<LoginResponse xmlns="urn:vim25"><returnval><key>k</key><userName>VSPHERE.LOCAL\\Administrator</userName><fullName>A</fullName><loginTime>2024-05-01T10:00:00Z</loginTime><locale>en</locale></returnval></LoginResponse>'),
};
const SM = { type: 'SessionManager', value: 'SessionManager' };
const SI = { type: 'ServiceInstance', value: 'ServiceInstance' };

/** A transport that answers from a script and records what it was sent. */
function scripted(answers: Array<HttpResponse | Error>): { transport: (r: HttpRequest) => Promise<HttpResponse>; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    transport: async (r) => {
      sent.push(r);
      const a = answers.shift();
      if (!a) throw new Error('script exhausted');
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

describe('VimClient', () => {
  it('posts to /sdk with the SOAPAction of its API version and keeps the session cookie from Login', async () => {
    const { transport, sent } = scripted([LOGIN_OK, { status: 200, headers: {}, body: SERVICE_CONTENT }]);
    const c = new VimClient({ url: 'https://vc.example.com', transport });
    await c.send(new Login({ _this: SM, userName: 'u', password: 'p' }));
    await c.send(new RetrieveServiceContent({ _this: SI }));
    assert.equal(sent[0]!.url, 'https://vc.example.com/sdk');
    assert.match(sent[0]!.headers['SOAPAction']!, /^urn:vim25\/\d/);
    assert.equal(sent[1]!.headers['Cookie'], 'vmware_soap_session="52d6e2f4a1b3"');
  });

  it('turns a SOAP fault into a VimFault carrying the vim25 type, its fields and the server message (§8.7)', async () => {
    const { transport } = scripted([fault('ManagedObjectNotFound', "The object 'vim.ResourcePool:resgroup-99' has already been deleted", '<obj type="ResourcePool">resgroup-99</obj>')]);
    const c = new VimClient({ url: 'https://vc', transport });
    const e = await c.send(new RetrieveServiceContent({ _this: SI })).catch((x: unknown) => x);
    assert.ok(e instanceof VimFault);
    assert.equal(e._typeName, 'ManagedObjectNotFound');
    assert.deepEqual(e.fault['obj'], { type: 'ResourcePool', value: 'resgroup-99' });
    assert.match(e.message, /has already been deleted/);
    assert.ok(e.is('RuntimeFault') && e.is('MethodFault') && !e.is('InvalidState'));
  });

  it('maps InvalidLogin to the AUTH code without echoing the password', async () => {
    const { transport } = scripted([fault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.')]);
    const lines: string[] = [];
    const c = new VimClient({ url: 'https://vc', transport, logger: (l) => lines.push(l) });
    const e = (await c.send(new Login({ _this: SM, userName: 'u', password: 'hunter2-secret' })).catch((x: unknown) => x)) as VimFault;
    assert.equal(e.code, 'AUTH');
    assert.doesNotMatch(e.message + lines.join('\n'), /hunter2-secret/);
  });

  it('logs in again once when the session expired (NotAuthenticated) and repeats the call', async () => {
    const { transport, sent } = scripted([fault('NotAuthenticated', 'The session is not authenticated.'), LOGIN_OK, { status: 200, headers: {}, body: SERVICE_CONTENT }]);
    const c = new VimClient({ url: 'https://vc', transport });
    c.relogin = async () => {
      await c.send(new Login({ _this: SM, userName: 'u', password: 'p' }));
    };
    const sc = await c.send(new RetrieveServiceContent({ _this: SI }));
    assert.equal(sc.about.apiType, 'VirtualCenter');
    assert.deepEqual(sent.map((s) => /<(\w+) xmlns="urn:vim25"/.exec(s.body)?.[1]), ['RetrieveServiceContent', 'Login', 'RetrieveServiceContent']);
  });

  it('retries an idempotent read after a dropped connection', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { transport, sent } = scripted([reset, { status: 200, headers: {}, body: SERVICE_CONTENT }]);
    const c = new VimClient({ url: 'https://vc', transport });
    await c.send(new RetrieveServiceContent({ _this: SI }));
    assert.equal(sent.length, 2);
  });

  it('never retries a call that may have changed state (PowerOnVM_Task)', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { transport, sent } = scripted([reset, { status: 200, headers: {}, body: '' }]);
    const c = new VimClient({ url: 'https://vc', transport });
    const e = await c.send(new PowerOnVMTask({ _this: { type: 'VirtualMachine', value: 'vm-1' } })).catch((x: unknown) => x);
    assert.equal((e as { code: string }).code, 'NETWORK');
    assert.equal(sent.length, 1);
  });

  it('redacts the password, the session cookie and password elements from every log line', async () => {
    const lines: string[] = [];
    const { transport } = scripted([LOGIN_OK]);
    const c = new VimClient({ url: 'https://vc', transport, logger: (l) => lines.push(l) });
    await c.send(new Login({ _this: SM, userName: 'u', password: 'p4ssw0rd!' }));
    c.log('debug: <password>p4ssw0rd!</password> Cookie: vmware_soap_session="52d6e2f4a1b3" and again p4ssw0rd! and 52d6e2f4a1b3');
    const all = lines.join('\n');
    assert.doesNotMatch(all, /p4ssw0rd!|52d6e2f4a1b3/);
    assert.match(all, /<password>\*\*\*<\/password>/);
  });

  it('rejects credentials embedded in the server URL', () => {
    assert.throws(() => new VimClient({ url: 'https://root:pw@vc' }), /not in the server URL/);
  });

  it('reports a non-SOAP HTTP status as a connection problem naming the server', async () => {
    const { transport } = scripted([{ status: 404, headers: {}, body: 'not found' }]);
    const c = new VimClient({ url: 'https://vc:8443', transport });
    await assert.rejects(c.send(new RetrieveServiceContent({ _this: SI })), /vc:8443 answered HTTP 404/);
  });
});
