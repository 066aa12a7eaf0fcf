/**
 * A deliberately tiny vim25 SOAP helper over node:https, so the simulator's own tests do not
 * depend on ovfkit's client: it posts an envelope, keeps the session cookie, and finds element
 * text by local name (any prefix). Not a client; for tests only.
 */
import * as https from 'node:https';
import type { Simulator } from './simulator';

/** Escapes text for an XML element or attribute value. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<name type="Type">value</name>`, a ManagedObjectReference element. */
export function moref(name: string, type: string, value: string): string {
  return `<${name} type="${xmlEscape(type)}">${xmlEscape(value)}</${name}>`;
}

/** Wraps a method element in the SOAP 1.1 envelope of vim25-soap-wire.md §2. */
export function envelope(method: string, thisType: string, thisValue: string, params = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><${method} xmlns="urn:vim25">${moref('_this', thisType, thisValue)}${params}</${method}></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

/** One HTTP answer. */
export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends one HTTPS request to the simulator, trusting its certificate only. */
export function rawRequest(
  sim: Simulator,
  method: string,
  urlOrPath: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const url = new URL(urlOrPath.replace('://*/', `://${new URL(sim.url).host}/`), sim.url);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: sim.caPem,
        agent: false,
        headers: { ...(payload ? { 'content-length': String(payload.length) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Texts of every element with this local name, in document order (entities decoded). */
export function allText(xml: string, localName: string): string[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${localName}>`, 'g');
  return [...xml.matchAll(re)].map((m) => decodeText(m[1] ?? ''));
}

/** Decodes the five named entities and numeric character references (the simulator writes `"` as `&#34;`). */
function decodeText(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      case 'amp': return '&';
      default: return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

/** Text of the first element with this local name, or undefined. */
export function firstText(xml: string, localName: string): string | undefined {
  return allText(xml, localName)[0];
}

/** Raw XML (including the tags) of every element with this local name (not nested in itself). */
export function allElements(xml: string, localName: string): string[] {
  const re = new RegExp(`<((?:[\\w.-]+:)?${localName})(?:\\s[^>]*)?(?:/>|>[\\s\\S]*?</\\1>)`, 'g');
  return [...xml.matchAll(re)].map((m) => m[0]);
}

/** The vim25 fault type of a SOAP fault body (the `xsi:type` of the detail element), if any. */
export function faultType(xml: string): string | undefined {
  const m = /<detail>\s*<(\w+)Fault\b[^>]*?(?:\w+:)?type="(?:\w+:)?(\w+)"/.exec(xml);
  return m?.[2];
}

/** A logged-in raw SOAP session against the simulator. */
export class RawSession {
  cookie: string | undefined;
  /** ServiceContent.propertyCollector (differs between vCenter and ESXi). */
  propertyCollector = 'propertyCollector';
  /** ServiceContent.ovfManager. */
  ovfManager = 'OvfManager';
  /** ServiceContent.rootFolder. */
  rootFolder = 'group-d1';
  /** ServiceContent.sessionManager. */
  sessionManager = 'SessionManager';
  /** ServiceContent.searchIndex. */
  searchIndex = 'SearchIndex';

  constructor(readonly sim: Simulator) {}

  /** POSTs one vim25 method to /sdk; keeps any session cookie the server sets. */
  async call(method: string, thisType: string, thisValue: string, params = ''): Promise<RawResponse> {
    const headers: Record<string, string> = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: 'urn:vim25/6.7',
    };
    if (this.cookie !== undefined) headers['cookie'] = this.cookie;
    const res = await rawRequest(this.sim, 'POST', this.sim.sdkUrl, envelope(method, thisType, thisValue, params), headers);
    const setCookie = res.headers['set-cookie'];
    const session = (Array.isArray(setCookie) ? setCookie : []).find((c) => c.startsWith('vmware_soap_session='));
    if (session !== undefined) this.cookie = session.split(';')[0];
    return res;
  }

  /** Like {@link call}, but throws on anything but HTTP 200. */
  async ok(method: string, thisType: string, thisValue: string, params = ''): Promise<string> {
    const res = await this.call(method, thisType, thisValue, params);
    if (res.status !== 200) {
      throw new Error(`${method} failed: HTTP ${res.status} ${faultType(res.body) ?? ''} ${firstText(res.body, 'faultstring') ?? res.body.slice(0, 300)}`);
    }
    return res.body;
  }

  /** RetrieveServiceContent then Login with the simulator's credentials. */
  async login(): Promise<void> {
    const content = await this.ok('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance');
    this.propertyCollector = firstText(content, 'propertyCollector') ?? this.propertyCollector;
    this.ovfManager = firstText(content, 'ovfManager') ?? this.ovfManager;
    this.rootFolder = firstText(content, 'rootFolder') ?? this.rootFolder;
    this.sessionManager = firstText(content, 'sessionManager') ?? this.sessionManager;
    this.searchIndex = firstText(content, 'searchIndex') ?? this.searchIndex;
    await this.ok('Login', 'SessionManager', this.sessionManager, `<userName>${xmlEscape(this.sim.username)}</userName><password>${xmlEscape(this.sim.password)}</password>`);
  }

  /** MoRef value found at an inventory path (SearchIndex.FindByInventoryPath), e.g. `/DC0/host/DC0_C0/Resources`. */
  async findByInventoryPath(inventoryPath: string): Promise<string | undefined> {
    const body = await this.ok('FindByInventoryPath', 'SearchIndex', this.searchIndex, `<inventoryPath>${xmlEscape(inventoryPath)}</inventoryPath>`);
    return firstText(body, 'returnval');
  }

  /** One property of one managed object via RetrievePropertiesEx; returns the raw `<val>` XML. */
  async property(type: string, value: string, pathName: string): Promise<string | undefined> {
    const body = await this.ok(
      'RetrievePropertiesEx',
      'PropertyCollector',
      this.propertyCollector,
      `<specSet><propSet><type>${xmlEscape(type)}</type><pathSet>${xmlEscape(pathName)}</pathSet></propSet>` +
        `<objectSet>${moref('obj', type, value)}</objectSet></specSet><options/>`,
    );
    return allElements(body, 'val')[0];
  }
}
