/**
 * Serving a provider the way a go-plugin host (Terraform, OpenTofu) starts it: check the magic
 * cookie and the protocol versions the host offers, listen on 127.0.0.1 with mutual TLS (the
 * host's certificate from `PLUGIN_CLIENT_CERT`, a fresh one of ours), register the provider
 * service beside go-plugin's stdio, controller and broker services and the health check, then
 * print the handshake line `1|6|tcp|127.0.0.1:PORT|grpc|<our certificate, base64 DER>`.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { errorDiagnostic, type ProviderHandlers, RPC_NAMES, type RpcName } from './messages';
import { generatePluginCertificate, parseClientCertificate } from './tls';

/** go-plugin's magic cookie for Terraform providers: proves the process was started by a host. */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
/** go-plugin's own protocol version, the first field of the handshake. */
export const CORE_PROTOCOL_VERSION = 1;
/** The Terraform plugin protocol major version this provider speaks. */
export const PROTOCOL_VERSION = 6;

/** Where the .proto files are (beside dist/ in the package). */
export const PROTO_DIR = path.join(__dirname, '..', '..', 'proto');

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: false, oneofs: true, includeDirs: [PROTO_DIR] };

interface Services {
  provider: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  broker: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

/** The loaded service definitions (also what a test client uses). */
export function loadServices(): Services & { packages: grpc.GrpcObject } {
  const def = protoLoader.loadSync(['tfplugin6.proto', 'go-plugin.proto', 'health.proto'], LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def);
  const svc = (p: string): grpc.ServiceDefinition => {
    const ctor = p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], pkg) as { service: grpc.ServiceDefinition };
    return ctor.service;
  };
  return {
    packages: pkg,
    provider: svc('tfplugin6.Provider'),
    stdio: svc('plugin.GRPCStdio'),
    controller: svc('plugin.GRPCController'),
    broker: svc('plugin.GRPCBroker'),
    health: svc('grpc.health.v1.Health'),
  };
}

/** Why the plugin will not start, said to a person who ran it by hand or a host that misconfigured it. */
export class HandshakeError extends Error {}

/** The handshake line go-plugin hosts read from the plugin's stdout. */
export function handshakeLine(port: number, certificateDer: Buffer): string {
  // go-plugin decodes the certificate with base64.RawStdEncoding: no padding.
  return `${CORE_PROTOCOL_VERSION}|${PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${certificateDer.toString('base64').replace(/=+$/, '')}\n`;
}

/** Checks the environment a host starts the plugin with. */
export function checkHostEnvironment(env: NodeJS.ProcessEnv): { clientCertPem: string } {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError('This binary is a plugin: Terraform or OpenTofu starts it. It is not meant to be run directly; to install it, run `ovfkit terraform install`.');
  }
  const offered = (env['PLUGIN_PROTOCOL_VERSIONS'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (offered.length > 0 && !offered.includes(String(PROTOCOL_VERSION))) {
    throw new HandshakeError(`the host speaks plugin protocol ${offered.join(', ')}; this provider speaks protocol ${PROTOCOL_VERSION} (Terraform 1.0 or later, OpenTofu)`);
  }
  const pem = env['PLUGIN_CLIENT_CERT'];
  // Provider configuration carries vSphere credentials: never accept them over plain gRPC.
  if (pem === undefined || pem.trim() === '') throw new HandshakeError('PLUGIN_CLIENT_CERT is not set: the host must ask for mutual TLS (Terraform and OpenTofu always do)');
  const client = parseClientCertificate(pem);
  if ('error' in client) throw new HandshakeError(client.error);
  return { clientCertPem: client.pem };
}

/** A running plugin server. */
export interface RunningPlugin {
  port: number;
  /** The line that was (or is to be) printed on stdout. */
  handshake: string;
  /** Resolves when the host asked the plugin to shut down, or {@link RunningPlugin.stop} was called. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

type Callback = (err: grpc.ServiceError | null, value?: unknown) => void;

/**
 * Starts the gRPC server for a provider. A handler that throws answers with an error
 * diagnostic (the RPCs that carry diagnostics) rather than failing the call, so Terraform shows
 * the message; the process never crashes on a bad request.
 * @example
 * const plugin = await servePlugin(handlers, process.env);
 * process.stdout.write(plugin.handshake);
 */
export async function servePlugin(handlers: ProviderHandlers, env: NodeJS.ProcessEnv): Promise<RunningPlugin> {
  const { clientCertPem } = checkHostEnvironment(env);
  const ours = await generatePluginCertificate();
  const services = loadServices();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 256 * 1024 * 1024, 'grpc.max_send_message_length': 256 * 1024 * 1024 });

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => { resolveStopped = r; });
  const openStreams = new Set<grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>>();
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return stopped;
    stopping = true;
    for (const s of openStreams) s.end();
    await new Promise<void>((r) => server.tryShutdown(() => r()));
    resolveStopped();
    return stopped;
  };

  const impl: grpc.UntypedServiceImplementation = {};
  for (const name of RPC_NAMES) {
    impl[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: Callback): void => {
      const handler = handlers[name] as (req: unknown) => Promise<unknown>;
      handler(call.request).then(
        (res) => callback(null, res),
        (e: unknown) => callback(null, failureResponse(name, e)),
      );
    };
  }
  server.addService(services.provider, impl);
  server.addService(services.stdio, {
    // Held open until shutdown; our logs go to stderr, which the host reads directly.
    StreamStdio: (call: grpc.ServerWritableStream<unknown, unknown>) => { openStreams.add(call); call.on('cancelled', () => openStreams.delete(call)); },
  });
  server.addService(services.controller, {
    Shutdown: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: Callback) => {
      callback(null, {});
      setImmediate(() => { void stop(); });
    },
  });
  server.addService(services.broker, {
    // This provider dials nothing back through the broker; the stream is accepted and drained.
    StartStream: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      openStreams.add(call);
      call.on('data', () => undefined);
      call.on('end', () => { openStreams.delete(call); call.end(); });
      call.on('cancelled', () => openStreams.delete(call));
    },
  });
  server.addService(services.health, {
    Check: (call: grpc.ServerUnaryCall<{ service?: string }, unknown>, callback: Callback) => {
      const service = call.request.service ?? '';
      callback(null, { status: service === '' || service === 'plugin' ? 'SERVING' : 'SERVICE_UNKNOWN' });
    },
  });

  const credentials = grpc.ServerCredentials.createSsl(Buffer.from(clientCertPem), [{ cert_chain: Buffer.from(ours.certPem), private_key: Buffer.from(ours.keyPem) }], true);
  const port = await bindLoopback(server, credentials, env);
  return { port, handshake: handshakeLine(port, ours.der), stopped, stop };
}

/** Binds 127.0.0.1 only, in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when the host gives a range. */
async function bindLoopback(server: grpc.Server, credentials: grpc.ServerCredentials, env: NodeJS.ProcessEnv): Promise<number> {
  const bind = (port: number): Promise<number> => new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  const min = Number(env['PLUGIN_MIN_PORT'] ?? ''), max = Number(env['PLUGIN_MAX_PORT'] ?? '');
  if (!Number.isInteger(min) || !Number.isInteger(max) || min <= 0 || max < min || max > 65535) return bind(0);
  for (let p = min; p <= max; p++) {
    try { return await bind(p); } catch { /* in use: next */ }
  }
  throw new HandshakeError(`no free port on 127.0.0.1 in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT (${min}..${max})`);
}

/** What a failed handler answers: its message as an error diagnostic, where the RPC has them. */
function failureResponse(name: RpcName, e: unknown): unknown {
  const message = e instanceof Error ? e.message : String(e);
  const diagnostics = [errorDiagnostic(`ovfkit provider: ${name} failed`, message)];
  if (name === 'StopProvider') return { Error: message };
  if (name === 'CallFunction') return { error: { text: message } };
  return { diagnostics };
}
