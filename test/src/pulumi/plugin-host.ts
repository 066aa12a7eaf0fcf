/**
 * Drives Pulumi's own Node.js dynamic-provider plugin host (`@pulumi/pulumi/cmd/dynamic-provider`)
 * over its real gRPC protocol, the way the Pulumi engine does: the host runs as a separate process,
 * prints its port, and receives Configure / Check / Diff / Create / Read / Update / Delete with the
 * serialized provider in the `__provider` property. No Pulumi CLI exists on this machine, so this
 * is the engine's half of the conversation, kept as close to the engine's wire behaviour as we can.
 *
 * The gRPC stubs and protobuf messages are loaded from the very copy of `@pulumi/pulumi` that
 * `@ovfkit/pulumi` uses, so client and server speak identical message definitions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { repoRoot } from '../paths';

/** The engine's sentinel for a value not known during preview (`resource.UnknownStringValue`). */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** The key that marks a secret value on the wire (`sig.Key` / `sig.Secret` in the engine). */
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** A secret value as the engine puts it on the wire. */
export function wireSecret(value: unknown): Record<string, unknown> {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** Resolves modules the way `@ovfkit/pulumi` does, so we share its `@pulumi/pulumi` copy. */
const pulumiPackageRequire = createRequire(require.resolve('@ovfkit/pulumi/package.json'));
export const pulumiRoot = path.dirname(pulumiPackageRequire.resolve('@pulumi/pulumi/package.json'));
const pulumiRequire = createRequire(path.join(pulumiRoot, 'package.json'));

/* Minimal structural types for the generated stubs we call (their .d.ts files import @grpc/grpc-js,
 * which is not a dependency of this package). */
interface StructMessage { toJavaScript(): Record<string, unknown> }
interface StructStatic { fromJavaScript(value: Record<string, unknown>): StructMessage }
interface Message { [setter: string]: unknown }
type Callback = (err: (Error & { code?: number; details?: string }) | null, value?: any) => void;
type Unary = (request: unknown, callback: Callback) => void;
interface ProviderClient {
  configure: Unary; check: Unary; diff: Unary; create: Unary; read: Unary; update: Unary;
  delete: Unary; getPluginInfo: Unary; close(): void;
}

const grpc = pulumiRequire('@grpc/grpc-js') as {
  credentials: { createInsecure(): unknown };
};
const structproto = pulumiRequire('google-protobuf/google/protobuf/struct_pb') as { Struct: StructStatic };
const emptyproto = pulumiRequire('google-protobuf/google/protobuf/empty_pb') as { Empty: new () => Message };
const provproto = pulumiRequire('@pulumi/pulumi/proto/provider_pb') as Record<string, new () => any> & {
  DiffResponse: { DiffChanges: Record<string, number> };
};
const provrpc = pulumiRequire('@pulumi/pulumi/proto/provider_grpc_pb') as {
  ResourceProviderClient: new (address: string, credentials: unknown) => ProviderClient;
};

const toStruct = (v: Record<string, unknown>): StructMessage => structproto.Struct.fromJavaScript(v);

/** The answer to Check: inputs as the provider normalised them, and the failures it reported. */
export interface CheckResult {
  inputs: Record<string, unknown>;
  failures: { property: string; reason: string }[];
}
/** The answer to Diff, with the protobuf enum decoded. */
export interface DiffResult {
  changes: 'none' | 'some' | 'unknown';
  replaces: string[];
  deleteBeforeReplace: boolean;
}
/** A failed RPC: the gRPC status code and the message the host sent back. */
export class RpcError extends Error {
  constructor(readonly method: string, readonly code: number | undefined, message: string) {
    super(`${method}: ${message}`);
    this.name = 'RpcError';
  }
}

/** One running plugin-host process and a gRPC client connected to it. */
export interface PluginHost {
  readonly port: number;
  /** Everything the host wrote to stderr so far (what the engine would show as diagnostics). */
  stderr(): string;
  /** Everything the host wrote to stdout so far, the port line included. */
  stdout(): string;
  pluginVersion(): Promise<string>;
  /** ConfigureRequest.args: the whole stack config with namespaces kept, as the engine sends it. */
  configure(config: Record<string, unknown>): Promise<{ acceptSecrets: boolean }>;
  check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult>;
  diff(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResult>;
  create(urn: string, properties: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
  read(id: string, urn: string, properties: Record<string, unknown>, inputs?: Record<string, unknown>):
    Promise<{ id: string; properties: Record<string, unknown>; inputs: Record<string, unknown> | undefined }>;
  update(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>):
    Promise<{ properties: Record<string, unknown> }>;
  delete(id: string, urn: string, properties: Record<string, unknown>): Promise<void>;
  /** Closes the channel and ends the process (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
}

/** Options for {@link startPluginHost}. */
export interface PluginHostOptions {
  /**
   * Working directory of the host. The serialized provider's `require()` calls resolve from here,
   * as they resolve from the program directory under the real engine.
   * @default the test package directory (whose node_modules holds the @ovfkit packages)
   */
  cwd?: string;
  /** Extra environment for the host process (e.g. VSPHERE_* variables). */
  env?: NodeJS.ProcessEnv;
  /** @default "ovfkit-test" */
  project?: string;
}

/** A URN of the shape the engine builds for a dynamic resource. */
export function dynamicUrn(name: string, type = 'pulumi-nodejs:dynamic:Resource', stack = 'dev', project = 'ovfkit-test'): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/**
 * Starts `node @pulumi/pulumi/cmd/dynamic-provider/index.js <engine>` as a real process, waits for
 * the port it prints, and connects a `ResourceProviderClient` to it.
 * @example
 * const host = await startPluginHost();
 * try { await host.configure({}); const r = await host.check(urn, {}, inputs); } finally { await host.stop(); }
 */
export async function startPluginHost(options: PluginHostOptions = {}): Promise<PluginHost> {
  const script = path.join(pulumiRoot, 'cmd', 'dynamic-provider', 'index.js');
  const cwd = options.cwd ?? path.join(repoRoot, 'test');
  // The host only checks that an engine address is given; nothing listens there, like a host
  // started for a provider that never logs back to the engine.
  const child: ChildProcess = spawn(process.execPath, [script, '127.0.0.1:1'], {
    cwd,
    env: { ...process.env, PULUMI_PROJECT: options.project ?? 'ovfkit-test', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plugin host did not print a port within 30 s; stderr: ${err}`)), 30_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`plugin host exited with ${code}; stderr: ${err}`)); });
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
  });

  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: keyof ProviderClient, request: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      (client[method] as Unary).call(client, request, (e, v) => {
        if (e) reject(new RpcError(String(method), e.code, e.details ?? e.message));
        else resolve(v as T);
      });
    });

  const withProps = (req: any, urn: string, id?: string): any => {
    req.setUrn(urn);
    if (id !== undefined) req.setId(id);
    return req;
  };

  return {
    port,
    stderr: () => err,
    stdout: () => out,
    async pluginVersion() {
      const r = await call<any>('getPluginInfo', new emptyproto.Empty());
      return r.getVersion() as string;
    },
    async configure(config) {
      const req = new provproto['ConfigureRequest']!();
      req.setArgs(toStruct(config));
      req.setAcceptsecrets(true);
      req.setAcceptresources(true);
      const r = await call<any>('configure', req);
      return { acceptSecrets: r.getAcceptsecrets() as boolean };
    },
    async check(urn, olds, news) {
      const req = withProps(new provproto['CheckRequest']!(), urn);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const r = await call<any>('check', req);
      return {
        inputs: (r.getInputs() as StructMessage | undefined)?.toJavaScript() ?? {},
        failures: (r.getFailuresList() as any[]).map((f) => ({ property: f.getProperty() as string, reason: f.getReason() as string })),
      };
    },
    async diff(id, urn, olds, news) {
      const req = withProps(new provproto['DiffRequest']!(), urn, id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const r = await call<any>('diff', req);
      const codes = provproto.DiffResponse.DiffChanges;
      const c = r.getChanges() as number;
      return {
        changes: c === codes['DIFF_NONE'] ? 'none' : c === codes['DIFF_SOME'] ? 'some' : 'unknown',
        replaces: r.getReplacesList() as string[],
        deleteBeforeReplace: r.getDeletebeforereplace() as boolean,
      };
    },
    async create(urn, properties) {
      const req = withProps(new provproto['CreateRequest']!(), urn);
      req.setProperties(toStruct(properties));
      const r = await call<any>('create', req);
      return { id: r.getId() as string, properties: (r.getProperties() as StructMessage).toJavaScript() };
    },
    async read(id, urn, properties, inputs) {
      const req = withProps(new provproto['ReadRequest']!(), urn, id);
      req.setProperties(toStruct(properties));
      if (inputs) req.setInputs(toStruct(inputs));
      const r = await call<any>('read', req);
      return {
        id: r.getId() as string,
        properties: (r.getProperties() as StructMessage | undefined)?.toJavaScript() ?? {},
        inputs: (r.getInputs() as StructMessage | undefined)?.toJavaScript(),
      };
    },
    async update(id, urn, olds, news) {
      const req = withProps(new provproto['UpdateRequest']!(), urn, id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const r = await call<any>('update', req);
      return { properties: (r.getProperties() as StructMessage).toJavaScript() };
    },
    async delete(id, urn, properties) {
      const req = withProps(new provproto['DeleteRequest']!(), urn, id);
      req.setProperties(toStruct(properties));
      await call<unknown>('delete', req);
    },
    async stop() {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('exit', () => { clearTimeout(kill); resolve(); });
        child.kill('SIGTERM');
      });
    },
  };
}
