/**
 * Runs a real Pulumi program under `pulumi.runtime.setMocks`, with every dynamic resource
 * forwarded to Pulumi's dynamic-provider plugin host the way the engine would do it: Check
 * (news with the engine's unknown sentinel for values not known yet), then — outside preview —
 * Create. Other resources are answered by the mock, echoing their inputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { isUnknown as isOutputUnknown } from '@pulumi/pulumi/output';

import { dynamicUrn, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN, type CheckResult, type PluginHost } from './plugin-host';

/** What happened to one dynamic resource of the program. */
export interface ForwardedResource {
  type: string;
  name: string;
  /** The inputs as the program registered them (what the engine keeps as inputs). */
  inputs: Record<string, unknown>;
  check: CheckResult;
  /** The id and state Create returned; absent in preview or when Check failed. */
  created?: { id: string; properties: Record<string, unknown> };
  /** The Create error message, when Create failed. */
  createError?: string;
}

/** Replaces the SDK's in-memory unknown with the wire sentinel, as the engine's RPC layer does. */
export function toWire(v: unknown): unknown {
  if (isOutputUnknown(v)) return UNKNOWN;
  // The dynamic provider answers Configure with acceptSecrets=false, so the engine sends secret
  // values to it unwrapped (and marks the matching outputs secret itself).
  if (v !== null && typeof v === 'object' && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG) return toWire((v as Record<string, unknown>)['value']);
  if (Array.isArray(v)) return v.map(toWire);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
}

/**
 * Runs `program` (which declares resources) and waits for every registration to finish.
 * @example
 * const { resources } = await runProgram(host, () => { new OvfImport('app', {...}); }, { preview: true });
 */
export async function runProgram(host: PluginHost, program: () => pulumi.Resource[] | void, options: { preview: boolean; project?: string; stack?: string }): Promise<{ resources: ForwardedResource[] }> {
  const resources: ForwardedResource[] = [];
  const pending: Promise<unknown>[] = [];
  const inflight: Promise<unknown>[] = [];
  await pulumi.runtime.setMocks({
    newResource(args) {
      const p = forward(args);
      inflight.push(p.catch(() => undefined));
      return p;
    },
    call: (args) => args.inputs,
  }, options.project ?? 'ovfkit-test', options.stack ?? 'dev', options.preview);

  async function forward(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, unknown> }> {
    if (!args.type.startsWith('pulumi-nodejs:dynamic')) {
      return { id: options.preview ? undefined : `${args.name}-id`, state: options.preview ? {} : args.inputs };
    }
    const urn = dynamicUrn(args.name, args.type, options.stack ?? 'dev', options.project ?? 'ovfkit-test');
    const news = toWire(args.inputs) as Record<string, unknown>;
    const check = await host.check(urn, {}, news);
    const r: ForwardedResource = { type: args.type, name: args.name, inputs: args.inputs, check };
    resources.push(r);
    if (check.failures.length > 0 || options.preview) return { id: undefined, state: check.inputs };
    try {
      r.created = await host.create(urn, check.inputs);
      return { id: r.created.id, state: r.created.properties };
    } catch (e) {
      r.createError = (e as Error).message;
      return { id: undefined, state: {} };
    }
  }

  const declared = program() ?? [];
  for (const res of declared) {
    // The URN is known once registration (Check, and Create outside preview) has returned.
    pending.push(new Promise((resolve) => res.urn.apply(resolve)));
  }
  await Promise.all(pending);
  // Registrations start when their inputs resolve: wait until no new one starts.
  for (let seen = -1; seen !== inflight.length;) {
    seen = inflight.length;
    await Promise.all(inflight);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { resources };
}
