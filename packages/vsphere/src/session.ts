import { OvfkitError, UsageError, wordsOf, type Vocabulary } from '@ovfkit/core';
import { proxySettingsFromEnv, type ProxySettings } from '@ovfkit/package';
import { type Logger, type Transport, VimClient } from './soap/client';
import type { DataObject, ManagedObjectReference } from './soap/codec';
import { faultFromLocalized } from './soap/fault';
import {
  CancelRetrievePropertiesEx,
  CancelWaitForUpdates,
  ContinueRetrievePropertiesEx,
  CreateFilter,
  CreatePropertyCollector,
  DestroyPropertyCollector,
  Login,
  Logout,
  type ObjectContent,
  type PropertyFilterSpec,
  RetrievePropertiesEx,
  RetrieveServiceContent,
  type ServiceContent,
  type TaskInfo,
  WaitForUpdatesEx,
} from './soap/methods';
import { isVimFault } from './soap/fault';
import { connectionTrust, createAgent, type TlsTrust, vsphereEndpoint } from './tls';

/** Where and how to connect to a vCenter or ESXi. */
export interface ConnectOptions extends TlsTrust {
  /** `https://host[:port][/sdk]` or a bare host name. */
  server: string;
  userName: string;
  /** Kept in memory only, for re-login on an expired session; never logged. */
  password: string;
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number;
  /** Proxies for the SOAP and NFC connections (a CONNECT tunnel; TLS is verified inside it). @default proxySettingsFromEnv(process.env) */
  proxy?: ProxySettings;
  logger?: Logger;
  /** Replaces the HTTP transport (tests). */
  transport?: Transport;
  /** Whose words a refused connection setting is named in (`--thumbprint`, `connection.thumbprint`…). @default 'api' */
  vocabulary?: Vocabulary;
}

/**
 * A logged-in vim25 session: the client, the ServiceContent, and the reads every other module
 * needs (properties, tasks).
 */
export class VimSession {
  private constructor(
    readonly client: VimClient,
    readonly serviceContent: ServiceContent,
    readonly trust: TlsTrust,
    /** The proxies of every connection of this session (SOAP and NFC). */
    readonly proxy: ProxySettings,
  ) {}

  /** Whose words this session's messages name a setting in (ConnectOptions' `vocabulary`). */
  get vocabulary(): Vocabulary {
    return this.client.vocabulary;
  }

  /** True when connected to a bare ESXi host rather than vCenter. */
  get isEsx(): boolean {
    return this.serviceContent.about.apiType === 'HostAgent';
  }

  /**
   * Connects, reads ServiceContent and logs in. Works against vCenter and a bare ESXi: every
   * well-known object is read from ServiceContent, never hard-coded.
   * @example
   * const s = await VimSession.connect({ server: 'vc.example.com', userName, password, thumbprint });
   */
  static async connect(options: ConnectOptions): Promise<VimSession> {
    const vocabulary = options.vocabulary ?? 'api';
    const w = wordsOf(vocabulary).connection;
    if (!options.server) throw new UsageError(`no vSphere server given: set ${w('server')}`);
    if (!options.userName) throw new UsageError(`no vSphere user given: set ${w('user')}`);
    // Decided before anything is sent: an http:// URL or a contradictory trust never reaches the wire.
    vsphereEndpoint(options.server, vocabulary);
    const trust = connectionTrust({ ...(options.thumbprint !== undefined ? { thumbprint: options.thumbprint } : {}), ...(options.ca !== undefined ? { ca: options.ca } : {}), ...(options.insecure ? { insecure: true } : {}) }, vocabulary);
    const proxy = options.proxy ?? proxySettingsFromEnv();
    const agent = createAgent(trust, { proxy });
    const client = new VimClient({ url: options.server, agent, ...(options.transport ? { transport: options.transport } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.logger ? { logger: options.logger } : {}), vocabulary });
    client.secrets.add(options.password);
    const sc = await client.send(new RetrieveServiceContent({ _this: { type: 'ServiceInstance', value: 'ServiceInstance' } }));
    if (!sc.sessionManager) throw new OvfkitError('VIM_PROTOCOL', 'the server has no SessionManager');
    const sessionManager = sc.sessionManager;
    const login = async (): Promise<void> => {
      await client.send(new Login({ _this: sessionManager, userName: options.userName, password: options.password }));
    };
    await login();
    client.relogin = login;
    return new VimSession(client, sc, trust, proxy);
  }

  /** Ends the session; errors are ignored (the session may already be gone). */
  async logout(): Promise<void> {
    const sm = this.serviceContent.sessionManager;
    this.client.relogin = undefined;
    if (sm && this.client.sessionCookie) await this.client.send(new Logout({ _this: sm })).catch(() => undefined);
    this.client.sessionCookie = undefined;
    this.client.agent?.destroy();
  }

  /** RetrievePropertiesEx with every page read (ContinueRetrievePropertiesEx). */
  async retrieve(specSet: PropertyFilterSpec[], signal?: AbortSignal): Promise<ObjectContent[]> {
    const pc = this.serviceContent.propertyCollector;
    const out: ObjectContent[] = [];
    let page = await this.client.send(new RetrievePropertiesEx({ _this: pc, specSet, options: {} }), signal);
    while (page) {
      out.push(...page.objects);
      if (!page.token) break;
      if (signal?.aborted) {
        await this.client.send(new CancelRetrievePropertiesEx({ _this: pc, token: page.token })).catch(() => undefined);
        break;
      }
      page = await this.client.send(new ContinueRetrievePropertiesEx({ _this: pc, token: page.token }), signal);
    }
    return out;
  }

  /** Properties of one object as a name → value map (unset properties are absent). */
  async properties(obj: ManagedObjectReference, pathSet: string[], signal?: AbortSignal): Promise<Record<string, unknown>> {
    const objs = await this.retrieve([{ propSet: [{ type: obj.type, pathSet }], objectSet: [{ obj }] }], signal);
    const props: Record<string, unknown> = {};
    for (const p of objs[0]?.propSet ?? []) props[p.name] = p.val;
    return props;
  }

  /**
   * Waits for a Task to end (govmomi `task.Wait`): `info` is watched through
   * {@link waitForProperties}. Throws the task's fault as a VimFault.
   */
  async waitForTask(task: ManagedObjectReference, signal?: AbortSignal, pollMs = 200): Promise<TaskInfo> {
    return this.waitForProperties(
      task,
      ['info'],
      (p) => {
        const info = p['info'] as TaskInfo | undefined;
        if (!info) return undefined;
        if (info.state === 'success') return info;
        if (info.state === 'error') throw faultFromLocalized(info.error as { fault?: DataObject; localizedMessage?: string }, info.key ? `task ${info.key}` : undefined, (t) => this.client.redact(t));
        return undefined;
      },
      { ...(signal ? { signal } : {}), pollMs, what: `vSphere task ${task.value}` },
    );
  }

  /**
   * Watches properties of one object until `until` returns a value (or throws), the way
   * govmomi's `property.Wait` does: a private PropertyCollector (CreatePropertyCollector), one
   * filter on the object and paths (CreateFilter), WaitForUpdatesEx with the last `version` and
   * `maxWaitSeconds`, each change applied to a name → value map; the collector is destroyed
   * afterwards, whatever happened (its filters go with it). An abort cancels the pending wait
   * (CancelWaitForUpdates) and still destroys the collector.
   *
   * A server that answers the collector calls with MethodNotFound, NotImplemented or
   * NotSupported (an endpoint or proxy that offers only RetrievePropertiesEx — some
   * vSphere-compatible SDK front ends do) is polled instead, every `pollMs` with back-off; the
   * session remembers it and polls from then on.
   * @see vim25 PropertyCollector.WaitForUpdatesEx; vim25-soap-wire.md §6
   * @example
   * const info = await session.waitForProperties(task, ['info'], (p) => (p.info?.state === 'success' ? p.info : undefined));
   */
  async waitForProperties<T>(obj: ManagedObjectReference, pathSet: string[], until: (props: Record<string, unknown>) => T | undefined, options: PropertyWaitOptions = {}): Promise<T> {
    // A collector belongs to its session: after a re-login (expired session) the old one is gone
    // and the wait starts again on a new one, as the polled reads would simply go on.
    for (let attempt = 0; !this.pushUnsupported; attempt++) {
      const pushed = await this.waitByUpdates(obj, pathSet, until, options);
      if (pushed.outcome === 'value') return pushed.value;
      if (pushed.outcome === 'collectorLost' && attempt < 3) continue;
      if (pushed.outcome === 'collectorLost') throw new OvfkitError('VIM_PROTOCOL', `the server lost the PropertyCollector ovfkit waits on for ${obj.type} ${obj.value} ${attempt + 1} times in a row`);
      this.pushUnsupported = true;
      this.client.log(`WaitForUpdatesEx is not offered by this server (${pushed.fault}); polling ${obj.type} ${obj.value} instead`);
    }
    return this.waitByPolling(obj, pathSet, until, options);
  }

  /**
   * True once the server refused the push collector: every later wait polls.
   * Exposed for tests and logs.
   */
  pushUnsupported = false;

  private async waitByUpdates<T>(
    obj: ManagedObjectReference,
    pathSet: string[],
    until: (props: Record<string, unknown>) => T | undefined,
    options: PropertyWaitOptions,
  ): Promise<{ outcome: 'value'; value: T } | { outcome: 'unsupported'; fault: string } | { outcome: 'collectorLost' }> {
    const { signal } = options;
    const aborted = (): OvfkitError => new OvfkitError('ABORTED', `interrupted while waiting for ${options.what ?? `${obj.type} ${obj.value}`}`);
    if (signal?.aborted) throw aborted();
    // Keep a server-side wait well inside the client's request timeout.
    const maxWaitSeconds = Math.max(1, Math.min(options.maxWaitSeconds ?? 10, Math.floor(this.client.timeoutMs / 2000)));
    let collector: ManagedObjectReference;
    try {
      collector = await this.client.send(new CreatePropertyCollector({ _this: this.serviceContent.propertyCollector }), signal);
    } catch (e) {
      if (isPushUnsupported(e)) return { outcome: 'unsupported', fault: e._typeName };
      throw signal?.aborted ? aborted() : e;
    }
    let waiting = false;
    let lost = false;
    const isLost = (e: unknown): boolean => isVimFault(e, 'ManagedObjectNotFound') && (e.fault['obj'] as ManagedObjectReference | undefined)?.value === collector.value;
    try {
      try {
        await this.client.send(new CreateFilter({ _this: collector, spec: { propSet: [{ type: obj.type, pathSet }], objectSet: [{ obj }] }, partialUpdates: false }), signal);
      } catch (e) {
        if (isPushUnsupported(e)) return { outcome: 'unsupported', fault: e._typeName };
        if (isLost(e)) {
          lost = true;
          return { outcome: 'collectorLost' };
        }
        throw e;
      }
      const props: Record<string, unknown> = {};
      let version = '';
      for (;;) {
        if (signal?.aborted) throw aborted();
        let set;
        waiting = true;
        try {
          set = await this.client.send(new WaitForUpdatesEx({ _this: collector, version, options: { maxWaitSeconds } }), signal);
        } catch (e) {
          // Answered by the server: nothing is pending there. A cut-off request (abort) stays
          // `waiting`, so the server is told to end it.
          if (isVimFault(e)) waiting = false;
          if (isPushUnsupported(e) && version === '') return { outcome: 'unsupported', fault: e._typeName };
          if (isLost(e)) {
            lost = true;
            return { outcome: 'collectorLost' };
          }
          throw e;
        }
        waiting = false;
        if (!set) continue; // maxWaitSeconds passed without a change: ask again (and notice an abort)
        version = set.version;
        for (const fu of set.filterSet) {
          for (const missing of fu.missingSet) throw faultFromLocalized(missing.fault, `${obj.type} ${obj.value}`, (t) => this.client.redact(t));
          for (const ou of fu.objectSet) {
            if (ou.kind === 'leave') throw new OvfkitError('VIM_PROTOCOL', `${obj.type} ${obj.value} disappeared while ovfkit was waiting for it`);
            for (const m of ou.missingSet) throw faultFromLocalized(m.fault, `${obj.type} ${obj.value} ${m.path}`, (t) => this.client.redact(t));
            for (const c of ou.changeSet) {
              if (c.op === 'remove' || c.op === 'indirectRemove') delete props[c.name];
              else props[c.name] = c.val;
            }
          }
        }
        if (set.truncated) continue;
        const value = until(props);
        if (value !== undefined) return { outcome: 'value', value };
      }
    } catch (e) {
      // A cut-off request says only "interrupted"; say what was being waited for. A fault of the
      // object itself (a failed task) is the answer, abort or not.
      throw signal?.aborted && !isVimFault(e) ? aborted() : e;
    } finally {
      // The pending WaitForUpdatesEx was cut off on our side only: tell the server to end it.
      if (waiting) await this.client.send(new CancelWaitForUpdates({ _this: collector })).catch(() => undefined);
      if (!lost) await this.client.send(new DestroyPropertyCollector({ _this: collector })).catch((e: unknown) => this.client.log(`DestroyPropertyCollector: ${(e as Error).message}`));
    }
  }

  private async waitByPolling<T>(obj: ManagedObjectReference, pathSet: string[], until: (props: Record<string, unknown>) => T | undefined, options: PropertyWaitOptions): Promise<T> {
    let pollMs = options.pollMs ?? 200;
    for (;;) {
      if (options.signal?.aborted) throw new OvfkitError('ABORTED', `interrupted while waiting for ${options.what ?? `${obj.type} ${obj.value}`}`);
      const value = until(await this.properties(obj, pathSet, options.signal));
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, pollMs));
      if (options.backOff !== false) pollMs = Math.min(pollMs * 1.5, 2000);
    }
  }
}

/** How {@link VimSession.waitForProperties} waits. */
export interface PropertyWaitOptions {
  signal?: AbortSignal;
  /** Longest server-side wait per WaitForUpdatesEx; an abort is also noticed within it. @default 10 (capped at half the request timeout) */
  maxWaitSeconds?: number;
  /** First polling period when the server has no WaitForUpdatesEx. @default 200 */
  pollMs?: number;
  /** Grow the polling period ×1.5 up to 2 s. @default true */
  backOff?: boolean;
  /** What is waited for, for the interrupt message. */
  what?: string;
}

/**
 * The faults that say "this server has no push collector", as opposed to a failure of the
 * thing waited for: MethodNotFound (the method is unknown to the endpoint), NotImplemented
 * (declared but not implemented, as simulators and some SDK proxies answer) and NotSupported
 * (refused on this kind of host).
 */
function isPushUnsupported(e: unknown): e is { _typeName: string } & Error {
  return isVimFault(e, 'MethodNotFound') || isVimFault(e, 'NotImplemented') || isVimFault(e, 'NotSupported');
}
