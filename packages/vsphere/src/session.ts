import { OvfkitError, UsageError } from '@ovfkit/core';
import { type Logger, type Transport, VimClient } from './soap/client';
import type { DataObject, ManagedObjectReference } from './soap/codec';
import { faultFromLocalized } from './soap/fault';
import {
  CancelRetrievePropertiesEx,
  ContinueRetrievePropertiesEx,
  Login,
  Logout,
  type ObjectContent,
  type PropertyFilterSpec,
  RetrievePropertiesEx,
  RetrieveServiceContent,
  type ServiceContent,
  type TaskInfo,
} from './soap/methods';
import { createAgent, type TlsTrust } from './tls';

/** Where and how to connect to a vCenter or ESXi. */
export interface ConnectOptions extends TlsTrust {
  /** `https://host[:port][/sdk]` or a bare host name. */
  server: string;
  userName: string;
  /** Kept in memory only, for re-login on an expired session; never logged. */
  password: string;
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number;
  logger?: Logger;
  /** Replaces the HTTP transport (tests). */
  transport?: Transport;
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
  ) {}

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
    if (!options.server) throw new UsageError('no vSphere server given: pass --server or set VSPHERE_SERVER');
    if (!options.userName) throw new UsageError('no vSphere user given: pass --user or set VSPHERE_USER');
    if ([options.thumbprint, options.ca, options.insecure].filter(Boolean).length > 1) {
      throw new UsageError('choose one of --thumbprint, --ca and --insecure');
    }
    const trust: TlsTrust = { ...(options.thumbprint ? { thumbprint: options.thumbprint } : {}), ...(options.ca ? { ca: options.ca } : {}), ...(options.insecure ? { insecure: true } : {}) };
    const agent = createAgent(trust);
    const client = new VimClient({ url: options.server, agent, ...(options.transport ? { transport: options.transport } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.logger ? { logger: options.logger } : {}) });
    client.secrets.add(options.password);
    const sc = await client.send(new RetrieveServiceContent({ _this: { type: 'ServiceInstance', value: 'ServiceInstance' } }));
    if (!sc.sessionManager) throw new OvfkitError('VIM_PROTOCOL', 'the server has no SessionManager');
    const sessionManager = sc.sessionManager;
    const login = async (): Promise<void> => {
      await client.send(new Login({ _this: sessionManager, userName: options.userName, password: options.password }));
    };
    await login();
    client.relogin = login;
    return new VimSession(client, sc, trust);
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
   * Waits for a Task by polling `info` (simple, works on every server; WaitForUpdatesEx would save
   * round trips but needs a private collector per wait). Throws the task's fault as a VimFault.
   */
  async waitForTask(task: ManagedObjectReference, signal?: AbortSignal, pollMs = 200): Promise<TaskInfo> {
    for (;;) {
      const { info } = (await this.properties(task, ['info'], signal)) as { info?: TaskInfo };
      if (!info) throw new OvfkitError('VIM_PROTOCOL', `task ${task.value} has no info`);
      if (info.state === 'success') return info;
      if (info.state === 'error') throw faultFromLocalized(info.error as { fault?: DataObject; localizedMessage?: string }, info.key ? `task ${info.key}` : undefined, (t) => this.client.redact(t));
      if (signal?.aborted) throw new OvfkitError('ABORTED', 'interrupted while waiting for a vSphere task');
      await new Promise((r) => setTimeout(r, pollMs));
      pollMs = Math.min(pollMs * 1.5, 2000);
    }
  }
}
