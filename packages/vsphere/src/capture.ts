import {
  builtinHostProfile,
  closestBuiltinHostProfileName,
  checkHostProfile,
  checkInventory,
  DATASTORE_TYPES,
  DEVICE_TYPES,
  type DeviceType,
  type HostProfile,
  type HostProfileDevice,
  type HostProfileLimits,
  INVENTORY_FORMAT,
  itemContent,
  type InventoryLibrary,
  type InventoryLibraryItem,
  type InventorySnapshot,
  limitsFor,
  OvfkitError,
  UsageError,
  wordsOf,
} from '@ovfkit/core';
import { Inventory, pathsUnder, type InventoryObject } from './inventory';
import type { DataObject, ManagedObjectReference } from './soap/codec';
import { isVimFault } from './soap/fault';
import { QueryConfigOption, QueryConfigOptionDescriptor, QueryConfigOptionEx, QueryConfigTarget } from './soap/methods';
import type { VimSession } from './session';
import { itemFiles, readItemFile, type LibraryInfo, type LibraryItemInfo } from './library';
import type { RestClient } from './library-rest';

/** The built-in profile closest to (not newer than) a host's API version (core's {@link closestBuiltinHostProfileName}). */
export function closestBuiltinProfile(apiVersion: string): HostProfile {
  return builtinHostProfile(closestBuiltinHostProfileName(apiVersion))!;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

async function onlyOrGiven(inv: Inventory, type: string, what: string, given: string | undefined, flag: string): Promise<ManagedObjectReference> {
  if (given) return inv.get(given, what, [type]);
  const all = await inv.list([type], []);
  if (all.length !== 1) throw new UsageError(`the inventory has ${all.length} ${what}s (${all.map((h) => h.name).join(', ')}): choose one with ${flag}`);
  return all[0]!.ref;
}

/** One hardware version's `VirtualMachineConfigOption` as the host answered it. */
export interface HostConfigOption {
  /** The NN of the descriptor key `vmx-NN`. */
  hardwareVersion: number;
  /** `QueryConfigOptionEx` or, on servers without it, `QueryConfigOption`. */
  method: string;
  /** @see vim25 VirtualMachineConfigOption */
  option: DataObject;
}

/**
 * What a host's EnvironmentBrowser said, the input of {@link hostProfileFromEnvironment}.
 * Anything absent (an older server, a method that failed) falls back to the built-in profile.
 */
export interface HostEnvironment {
  /** From QueryConfigOptionDescriptor: the `vmx-NN` versions with `createSupported`, and the default one. */
  descriptors?: { supported: number[]; defaultVersion?: number };
  /** One entry per hardware version queried. */
  options: HostConfigOption[];
  /** @see vim25 ConfigTarget (QueryConfigTarget for this host) */
  target?: DataObject;
  /** Why something could not be read (a fault per query), recorded in `sources`. */
  notes?: string[];
}

type Where = 'hw' | 'pci' | 'sio';
/**
 * Where `VirtualHardwareOption` says how many of a device class one VM may have: a field of the
 * hardware option itself, of the PCI controller's option or of the Super I/O controller's option.
 * @see vim25 VirtualHardwareOption, VirtualPCIControllerOption, VirtualSIOControllerOption
 */
const DEVICE_COUNT_FIELDS: Partial<Record<DeviceType, readonly [Where, string]>> = {
  VirtualIDEController: ['hw', 'numIDEControllers'],
  VirtualUSBController: ['hw', 'numUSBControllers'],
  VirtualUSBXHCIController: ['hw', 'numUSBXHCIControllers'],
  VirtualNVDIMMController: ['hw', 'numNVDIMMControllers'],
  VirtualTPM: ['hw', 'numTPMDevices'],
  VirtualWDT: ['hw', 'numWDTDevices'],
  VirtualPrecisionClock: ['hw', 'numPrecisionClockDevices'],
  VirtualLsiLogicController: ['pci', 'numSCSIControllers'],
  VirtualBusLogicController: ['pci', 'numSCSIControllers'],
  VirtualLsiLogicSASController: ['pci', 'numSasSCSIControllers'],
  ParaVirtualSCSIController: ['pci', 'numParaVirtualSCSIControllers'],
  VirtualAHCIController: ['pci', 'numSATAControllers'],
  VirtualNVMEController: ['pci', 'numNVMEControllers'],
  VirtualE1000: ['pci', 'numEthernetCards'],
  VirtualE1000e: ['pci', 'numEthernetCards'],
  VirtualPCNet32: ['pci', 'numEthernetCards'],
  VirtualVmxnet: ['pci', 'numEthernetCards'],
  VirtualVmxnet2: ['pci', 'numEthernetCards'],
  VirtualSriovEthernetCard: ['pci', 'numEthernetCards'],
  VirtualVmxnet3: ['pci', 'numVmxnet3EthernetCards'],
  VirtualVmxnet3Vrdma: ['pci', 'numVmxnet3VrdmaEthernetCards'],
  VirtualMachineVideoCard: ['pci', 'numVideoCards'],
  VirtualHdAudioCard: ['pci', 'numSoundCards'],
  VirtualEnsoniq1371: ['pci', 'numSoundCards'],
  VirtualSoundBlaster16: ['pci', 'numSoundCards'],
  VirtualMachineVMCIDevice: ['pci', 'numVmciDevices'],
  VirtualFloppy: ['sio', 'numFloppyDrives'],
  VirtualSerialPort: ['sio', 'numSerialPorts'],
  VirtualParallelPort: ['sio', 'numParallelPorts'],
};

/** A wire number (decoded ints are numbers; generically decoded ones are strings). */
function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}
const obj = (v: unknown): DataObject | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as DataObject) : undefined);
const optionMax = (v: unknown): number | undefined => num(obj(v)?.['max']);
/** A `vmx-NN` number a host profile can hold. */
const isHardwareVersion = (n: number | undefined): n is number => n !== undefined && Number.isSafeInteger(n) && n >= 3 && n <= 99;
const vmx = (n: number): string => `vmx-${String(n).padStart(2, '0')}`;

/** What one hardware version's option reports, with the zeros of an unfilled answer (vcsim's) dropped. */
interface VersionFacts {
  v: number;
  method: string;
  maxCPUs?: number;
  maxMemoryMB?: number;
  /** Device classes in `virtualDeviceOption`, undefined when the list was empty. */
  devices?: Set<string>;
  counts: Map<DeviceType, { n: number; field: string }>;
  /** Guest ids, undefined when none were listed. */
  guests?: Set<string>;
  /** Whether any guest descriptor said which firmware it supports / whether it supports secure boot. */
  firmwareKnown: boolean;
  efi: boolean;
  secureBootKnown: boolean;
  secureBoot: boolean;
}

function versionFacts(o: HostConfigOption): VersionFacts {
  const hw = obj(o.option['hardwareOptions']) ?? {};
  const cpus = asArray(hw['numCPU'] as unknown[] | undefined).map(num).filter((n): n is number => n !== undefined && n > 0);
  const mem = optionMax(hw['memoryMB']);
  const deviceOptions = asArray(hw['virtualDeviceOption'] as unknown[] | undefined).map(obj).filter((d): d is DataObject => d !== undefined);
  const typeOf = (d: DataObject): string => (typeof d['type'] === 'string' && d['type'] ? d['type'] : (d._typeName ?? '').replace(/Option$/, '').replace(/^VirtualVideoCard$/, 'VirtualMachineVideoCard'));
  const pci = deviceOptions.find((d) => d._typeName === 'VirtualPCIControllerOption' || typeOf(d) === 'VirtualPCIController');
  const sio = deviceOptions.find((d) => d._typeName === 'VirtualSIOControllerOption' || typeOf(d) === 'VirtualSIOController');
  const counts = new Map<DeviceType, { n: number; field: string }>();
  for (const [type, [where, field]] of Object.entries(DEVICE_COUNT_FIELDS) as Array<[DeviceType, readonly [Where, string]]>) {
    const holder = where === 'hw' ? hw : where === 'pci' ? pci : sio;
    const n = holder ? optionMax(holder[field]) : undefined;
    const label = where === 'hw' ? `hardwareOptions.${field}` : `${where === 'pci' ? 'VirtualPCIControllerOption' : 'VirtualSIOControllerOption'}.${field}`;
    if (n !== undefined && n >= 0) counts.set(type, { n, field: label });
  }
  const guests = asArray(o.option['guestOSDescriptor'] as unknown[] | undefined).map(obj).filter((g): g is DataObject => g !== undefined && typeof g['id'] === 'string' && g['id'] !== '');
  const firmware = guests.map((g) => asArray(g['supportedFirmware'] as unknown[] | undefined).map(String));
  const secure = guests.map((g) => g['supportsSecureBoot']).filter((b) => typeof b === 'boolean');
  const f: VersionFacts = {
    v: o.hardwareVersion,
    method: o.method,
    counts,
    firmwareKnown: firmware.some((l) => l.length > 0),
    efi: firmware.some((l) => l.includes('efi')),
    secureBootKnown: secure.length > 0,
    secureBoot: secure.includes(true),
  };
  // Values a host profile cannot hold (below 1 vCPU / 4 MB) count as not reported.
  if (cpus.length) f.maxCPUs = cpus.reduce((a, b) => (b > a ? b : a));
  if (mem !== undefined && mem >= 4) f.maxMemoryMB = mem;
  if (deviceOptions.length) f.devices = new Set(deviceOptions.map(typeOf));
  if (guests.length) f.guests = new Set(guests.map((g) => String(g['id'])));
  return f;
}

/**
 * Maps what a host's EnvironmentBrowser reported onto a host profile: hardware versions and the
 * default (QueryConfigOptionDescriptor); per hardware version the vCPU and memory maxima
 * (`hardwareOptions.numCPU`, `memoryMB.max`, capped by ConfigTarget `supportedMaxMemMB`), the
 * device classes offered and how many per VM, the first versions whose guests support EFI and
 * secure boot (`guestOSDescriptor.supportedFirmware`, `supportsSecureBoot`) and the guest ids with
 * the first version listing each. Every fact the host did not report keeps the value of `base`,
 * the built-in profile; `sources` says, per field, where its value came from.
 * @see vim25 EnvironmentBrowser, VirtualMachineConfigOption, VirtualHardwareOption, GuestOsDescriptor, ConfigTarget
 * @example
 * const env = await readHostEnvironment(session, browser, host);
 * const profile = hostProfileFromEnvironment(closestBuiltinProfile('7.0.3.0'), env, { name: 'lab', product, capturedFrom: 'captured from vc01' });
 */
export function hostProfileFromEnvironment(base: HostProfile, env: HostEnvironment, identity: { name: string; product: HostProfile['product']; capturedFrom: string }): HostProfile {
  const builtin = `built-in ${base.name}`;
  const sources: string[] = [`${identity.capturedFrom}; facts the host did not report come from ${builtin}`, ...(env.notes ?? [])];
  const profile: HostProfile = { ...structuredClone(base), name: identity.name, product: identity.product, sources };

  const supported = (env.descriptors?.supported ?? []).filter(isHardwareVersion);
  if (env.descriptors && supported.length) {
    profile.supportedHardwareVersions = [...new Set(supported)].sort((a, b) => a - b);
    const def = env.descriptors.defaultVersion;
    profile.defaultHardwareVersion = def !== undefined && profile.supportedHardwareVersions.includes(def) ? def : Math.max(...profile.supportedHardwareVersions);
    sources.push(`supportedHardwareVersions from QueryConfigOptionDescriptor (createSupported)`);
    sources.push(`defaultHardwareVersion ${vmx(profile.defaultHardwareVersion)} from QueryConfigOptionDescriptor ${def !== undefined && def === profile.defaultHardwareVersion ? 'defaultConfigOption' : '(none marked defaultConfigOption: the newest)'}`);
  } else {
    sources.push(`supportedHardwareVersions, defaultHardwareVersion from ${builtin}`);
  }

  const facts = env.options.filter((o) => isHardwareVersion(o.hardwareVersion)).map(versionFacts).sort((a, b) => a.v - b.v);
  const at = new Map(facts.map((f) => [f.v, f]));

  // vCPU / memory maxima: one entry per hardware version the host can create.
  const targetMem = num(env.target?.['supportedMaxMemMB']);
  const limits: HostProfileLimits[] = [];
  const hostLimits = facts.some((f) => f.maxCPUs !== undefined || f.maxMemoryMB !== undefined) || (targetMem !== undefined && targetMem > 0);
  if (!hostLimits) sources.push(`limits from ${builtin} (the host reported no hardwareOptions.numCPU or memoryMB, nor a ConfigTarget supportedMaxMemMB)`);
  else for (const v of profile.supportedHardwareVersions) {
    const f = at.get(v);
    const fallback = limitsFor(base, v);
    const cpuFromHost = f?.maxCPUs;
    let mem = f?.maxMemoryMB;
    let memSource = mem !== undefined ? `${f!.method} ${vmx(v)} hardwareOptions.memoryMB.max` : `${builtin}`;
    if (mem === undefined) mem = fallback?.maxMemoryMB;
    if (mem !== undefined && targetMem !== undefined && targetMem > 0 && targetMem < mem) {
      memSource = `QueryConfigTarget supportedMaxMemMB (below ${mem} from ${memSource})`;
      mem = targetMem;
    }
    const cpus = cpuFromHost ?? fallback?.maxCPUs;
    if (cpus === undefined || mem === undefined) {
      sources.push(`limits ${vmx(v)}: none (neither the host nor ${builtin} gives vCPU and memory maxima)`);
      continue;
    }
    limits.push({ hardwareVersion: v, maxCPUs: cpus, maxMemoryMB: mem });
    sources.push(`limits ${vmx(v)}: maxCPUs ${cpus} from ${cpuFromHost !== undefined ? `${f!.method} ${vmx(v)} hardwareOptions.numCPU` : builtin}; maxMemoryMB ${mem} from ${memSource}`);
  }
  if (limits.length) profile.limits = limits;

  // Device classes: offered from the first version whose virtualDeviceOption lists them.
  const withDevices = facts.filter((f) => f.devices);
  if (withDevices.length) {
    const lowest = withDevices[0]!.v;
    const highest = withDevices[withDevices.length - 1]!.v;
    const devices: HostProfileDevice[] = [];
    const dropped: string[] = [];
    for (const type of DEVICE_TYPES) {
      const known = base.devices.find((d) => d.type === type);
      const present = withDevices.filter((f) => f.devices!.has(type));
      if (!present.length) {
        if (known) dropped.push(type);
        continue;
      }
      const first = present[0]!.v;
      const last = present[present.length - 1]!.v;
      const d: HostProfileDevice = { type, minHardwareVersion: first };
      const said: string[] = [];
      // Listed at the lowest version the host reported: it cannot say whether older versions have it.
      if (first === lowest && known && known.minHardwareVersion < first) {
        d.minHardwareVersion = known.minHardwareVersion;
        said.push(`minHardwareVersion ${known.minHardwareVersion} from ${builtin} (the host lists it from its lowest reported version, ${vmx(lowest)})`);
      } else said.push(`minHardwareVersion ${first} from ${present[0]!.method} ${vmx(first)} hardwareOptions.virtualDeviceOption`);
      if (last < highest) {
        d.maxHardwareVersion = last;
        said.push(`maxHardwareVersion ${last} from ${present[present.length - 1]!.method} (not listed for ${vmx(withDevices.find((f) => f.v > last)!.v)})`);
      }
      const counted = [...present].reverse().find((f) => f.counts.has(type));
      if (counted) {
        const c = counted.counts.get(type)!;
        d.maxPerVm = c.n;
        said.push(`maxPerVm ${c.n} from ${counted.method} ${vmx(counted.v)} ${c.field}`);
      } else if (known?.maxPerVm !== undefined) {
        d.maxPerVm = known.maxPerVm;
        said.push(`maxPerVm ${known.maxPerVm} from ${builtin}`);
      }
      sources.push(`devices ${type}: ${said.join('; ')}`);
      devices.push(d);
    }
    profile.devices = devices;
    if (dropped.length) sources.push(`devices not offered by the host (in no hardwareOptions.virtualDeviceOption), left out: ${dropped.join(', ')}`);
  } else sources.push(`devices from ${builtin} (the host listed no hardwareOptions.virtualDeviceOption)`);

  // Firmware: the first version where some guest supports EFI / secure boot.
  const firmwareFrom = (known: (f: VersionFacts) => boolean, has: (f: VersionFacts) => boolean, field: 'efiMinHardwareVersion' | 'secureBootMinHardwareVersion', wire: string): void => {
    const reported = facts.filter(known);
    if (!reported.length) {
      sources.push(`firmware.${field} ${profile.firmware[field]} from ${builtin} (no guestOSDescriptor.${wire} reported)`);
      return;
    }
    const first = reported.find(has);
    if (!first) {
      profile.firmware[field] = 99;
      sources.push(`firmware.${field} 99 (none): no guestOSDescriptor.${wire} allows it on any version the host reported`);
    } else if (first.v === reported[0]!.v && base.firmware[field] < first.v) {
      sources.push(`firmware.${field} ${base.firmware[field]} from ${builtin} (the host allows it from its lowest reported version, ${vmx(first.v)})`);
    } else {
      profile.firmware[field] = first.v;
      sources.push(`firmware.${field} ${first.v} from ${first.method} ${vmx(first.v)} guestOSDescriptor.${wire}`);
    }
  };
  firmwareFrom((f) => f.firmwareKnown, (f) => f.efi, 'efiMinHardwareVersion', 'supportedFirmware');
  firmwareFrom((f) => f.secureBootKnown, (f) => f.secureBoot, 'secureBootMinHardwareVersion', 'supportsSecureBoot');

  // Guest ids, each from the first version that lists it.
  const withGuests = facts.filter((f) => f.guests);
  if (withGuests.length) {
    const lowest = withGuests[0]!.v;
    const knownGuests = new Map(base.guestIds.map((g) => [g.id, g]));
    const first = new Map<string, number>();
    for (const f of withGuests) for (const id of f.guests!) if (!first.has(id)) first.set(id, f.v);
    profile.guestIds = [...first.keys()].sort().map((id) => {
      const v = first.get(id)!;
      if (v > lowest) return { id, minHardwareVersion: v };
      const known = knownGuests.get(id)?.minHardwareVersion;
      return known !== undefined && known < lowest ? { id, minHardwareVersion: known } : { id };
    });
    const later = profile.guestIds.filter((g) => g.minHardwareVersion !== undefined && g.minHardwareVersion > lowest);
    sources.push(`guestIds (${profile.guestIds.length}) from ${withGuests.map((f) => `${f.method} ${vmx(f.v)}`).join(', ')} guestOSDescriptor; minHardwareVersion is the first version listing the guest${later.length ? ` (${later.map((g) => `${g.id} ${vmx(g.minHardwareVersion!)}`).join(', ')})` : ''}`);
  } else sources.push(`guestIds from ${builtin}`);
  sources.push(`supportedDiskProvisioning from ${builtin} (the EnvironmentBrowser does not report it)`);
  return profile;
}

/** Runs `query`, turning a vim25 fault into a note (the fact falls back); other errors propagate. */
async function tryVim<T>(notes: string[], what: string, query: () => Promise<T>): Promise<T | undefined> {
  try {
    return await query();
  } catch (e) {
    if (!isVimFault(e)) throw e;
    notes.push(`${what} failed (${e._typeName}): its facts come from the built-in profile`);
    return undefined;
  }
}

/**
 * Reads what the EnvironmentBrowser of a host's compute resource reports: the creatable hardware
 * versions, one VirtualMachineConfigOption per version (QueryConfigOptionEx with `spec.key`, or
 * QueryConfigOption on servers without it) and the host's ConfigTarget. A vim25 fault on one query
 * becomes a note (its facts fall back); any other error (connection, login) is thrown.
 * @example
 * const env = await readHostEnvironment(session, computeResourceBrowser, hostRef, signal);
 */
export async function readHostEnvironment(session: VimSession, browser: ManagedObjectReference, host: ManagedObjectReference, signal?: AbortSignal): Promise<HostEnvironment> {
  const notes: string[] = [];
  const env: HostEnvironment = { options: [], notes };
  const client = session.client;
  const descriptors = await tryVim(notes, 'QueryConfigOptionDescriptor', () => client.send(new QueryConfigOptionDescriptor({ _this: browser }), signal));
  const keys: Array<{ key?: string; n?: number }> = [];
  if (descriptors) {
    const creatable = descriptors
      // On a cluster each key lists the hosts that support it (empty: all of them).
      .filter((d) => d['createSupported'] !== false && (asArray(d['host'] as ManagedObjectReference[] | undefined).length === 0 || asArray(d['host'] as ManagedObjectReference[] | undefined).some((h) => h.value === host.value)))
      .map((d) => ({ key: String(d['key']), n: Number(/^vmx-(\d+)$/.exec(String(d['key']))?.[1]), def: d['defaultConfigOption'] === true }))
      .filter((d) => isHardwareVersion(d.n));
    if (creatable.length) {
      const defaultVersion = creatable.find((d) => d.def)?.n;
      env.descriptors = { supported: creatable.map((d) => d.n), ...(defaultVersion !== undefined ? { defaultVersion } : {}) };
      keys.push(...creatable);
    }
  }
  if (!keys.length) keys.push({}); // the server's default configuration option only
  let ex = true;
  for (const k of keys) {
    const spec = { ...(k.key ? { key: k.key } : {}), host };
    let option: DataObject | undefined;
    let method = 'QueryConfigOptionEx';
    try {
      if (ex) option = await client.send(new QueryConfigOptionEx({ _this: browser, spec }), signal);
    } catch (e) {
      if (!isVimFault(e, 'MethodNotFound')) {
        if (!isVimFault(e)) throw e;
        notes.push(`QueryConfigOptionEx ${k.key ?? '(default)'} failed (${e._typeName}): its facts come from the built-in profile`);
        continue;
      }
      ex = false; // a pre-6.0 server
    }
    if (!ex) {
      method = 'QueryConfigOption';
      option = await tryVim(notes, `QueryConfigOption ${k.key ?? '(default)'}`, () => client.send(new QueryConfigOption({ _this: browser, ...(k.key ? { key: k.key } : {}), host }), signal));
    }
    if (!option) {
      notes.push(`${method} ${k.key ?? '(default)'} returned no configuration option: its facts come from the built-in profile`);
      continue;
    }
    const n = k.n ?? num(obj(option['hardwareOptions'])?.['hwVersion']) ?? Number(/^vmx-(\d+)$/.exec(String(option['version']))?.[1]);
    if (isHardwareVersion(n)) env.options.push({ hardwareVersion: n, method, option });
  }
  const target = await tryVim(notes, 'QueryConfigTarget', () => client.send(new QueryConfigTarget({ _this: browser, host }), signal));
  if (target) env.target = target;
  return env;
}

/**
 * Captures a host profile from a live host: what its EnvironmentBrowser reports — the hardware
 * versions it can create VMs with and its default, per version the vCPU/memory maxima, device
 * classes and counts, EFI / secure boot support and guest OS ids, and its ConfigTarget memory
 * maximum — over the built-in profile of its release for whatever it does not report. The result
 * is the `ovfkit.host-profile/1` JSON the local OvfManager reads; `sources` says where each value
 * came from.
 */
export async function captureHostProfile(session: VimSession, options: { host?: string; signal?: AbortSignal } = {}): Promise<HostProfile> {
  const inv = new Inventory(session);
  // A host by name, moref or inventory path, as placement resolves one (Inventory.resolve).
  const host = options.host ? await inv.resolve('host', options.host, options.signal) : await onlyOrGiven(inv, 'HostSystem', 'host', undefined, wordsOf(session.vocabulary).host);
  const p = await session.properties(host, ['name', 'config.product', 'parent'], options.signal);
  const product = (p['config.product'] ?? session.serviceContent.about) as { name: string; version: string; apiVersion: string };
  const base = closestBuiltinProfile(product.apiVersion);
  const parent = p['parent'] as ManagedObjectReference | undefined;
  const browser = parent ? ((await session.properties(parent, ['environmentBrowser'], options.signal))['environmentBrowser'] as ManagedObjectReference | undefined) : undefined;
  const env: HostEnvironment = browser ? await readHostEnvironment(session, browser, host, options.signal) : { options: [], notes: ['the host has no EnvironmentBrowser: every fact comes from the built-in profile'] };
  const profile = hostProfileFromEnvironment(base, env, {
    name: `captured-${String(p['name']).replace(/[^\w.-]/g, '_')}`,
    product: { name: product.name, version: product.version, apiVersion: product.apiVersion },
    capturedFrom: `captured from ${new URL(session.client.url).host} host ${String(p['name'])} at ${new Date().toISOString()}`,
  });
  const check = checkHostProfile(profile);
  if (!check.profile) throw new OvfkitError('INTERNAL', `the captured host profile does not validate: ${check.issues.map((i) => JSON.stringify(i)).join('; ')}`);
  return profile;
}

function datastoreType(t: unknown): (typeof DATASTORE_TYPES)[number] {
  const s = String(t ?? '');
  if ((DATASTORE_TYPES as readonly string[]).includes(s)) return s as (typeof DATASTORE_TYPES)[number];
  if (/^vsan$/i.test(s)) return 'vsan';
  return 'other';
}

/**
 * Captures one datacenter's inventory (folders, hosts, datastores with capacity and free space,
 * networks, resource pools and vApps) as the `ovfkit.inventory/1` JSON the local OvfManager reads,
 * so offline previews check against the real site.
 */
export async function captureInventory(session: VimSession, options: { datacenter?: string; signal?: AbortSignal; rest?: RestClient } = {}): Promise<InventorySnapshot> {
  const inv = new Inventory(session);
  const dc = await onlyOrGiven(inv, 'Datacenter', 'datacenter', options.datacenter && !options.datacenter.startsWith('/') ? `/${options.datacenter}` : options.datacenter, wordsOf(session.vocabulary).datacenter);
  const dcNames = await inv.namesOf(dc, options.signal);
  const dcName = dcNames[dcNames.length - 1] ?? dc.value;
  // One listing of everything under the datacenter, each type with its own properties and its
  // parent (for the paths); clusters, switches and storage pods are on the way to what is kept.
  const withParent = (props: string[]): string[] => ['parent', ...props];
  const computeProps = withParent(['host']);
  const networkProps = withParent([]);
  const listed = await inv.list(
    ['Folder', 'ComputeResource', 'ClusterComputeResource', 'HostSystem', 'ResourcePool', 'VirtualApp', 'Datastore', 'StoragePod', 'Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork', 'VmwareDistributedVirtualSwitch', 'DistributedVirtualSwitch'],
    {
      Folder: withParent(['childType']),
      ComputeResource: computeProps,
      ClusterComputeResource: computeProps,
      HostSystem: withParent(['datastore', 'network', 'runtime.connectionState', 'runtime.inMaintenanceMode', 'config.product']),
      ResourcePool: withParent(['owner']),
      VirtualApp: withParent(['owner']),
      Datastore: withParent(['summary']),
      StoragePod: withParent([]),
      Network: networkProps,
      DistributedVirtualPortgroup: networkProps,
      OpaqueNetwork: networkProps,
      VmwareDistributedVirtualSwitch: networkProps,
      DistributedVirtualSwitch: networkProps,
    },
    dc,
    options.signal,
  );
  const of = (...types: string[]): InventoryObject[] => listed.filter((o) => types.includes(o.ref.type));
  const folders = of('Folder');
  const hosts = of('HostSystem');
  const datastores = of('Datastore');
  const networks = of('Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork');
  const pools = of('ResourcePool', 'VirtualApp');
  const paths = pathsUnder(dc, dcNames, listed);
  const pathOf = (ref: ManagedObjectReference): { path?: string } => {
    const p = paths.get(`${ref.type}:${ref.value}`);
    return p ? { path: p } : {};
  };
  const ownerHosts = new Map(of('ComputeResource', 'ClusterComputeResource').map((c) => [c.ref.value, asArray(c.props['host'] as ManagedObjectReference[] | undefined).map((h) => h.value)]));
  const vmFolders = folders.filter((f) => asArray(f.props['childType'] as string[] | undefined).includes('VirtualMachine'));
  const snapshot: InventorySnapshot = {
    format: INVENTORY_FORMAT,
    datacenter: { name: dcName, moref: dc.value },
    capturedAt: new Date().toISOString(),
    source: new URL(session.client.url).host,
    folders: vmFolders.map((f) => ({ name: f.name, moref: f.ref.value, ...pathOf(f.ref) })),
    hosts: hosts.map((h) => {
      const product = h.props['config.product'] as { apiVersion?: string } | undefined;
      return {
        name: h.name,
        moref: h.ref.value,
        profile: closestBuiltinHostProfileName(product?.apiVersion ?? session.serviceContent.about.apiVersion),
        datastores: asArray(h.props['datastore'] as ManagedObjectReference[] | undefined).map((d) => d.value),
        networks: asArray(h.props['network'] as ManagedObjectReference[] | undefined).map((n) => n.value),
        ...pathOf(h.ref),
        ...(h.props['runtime.connectionState'] !== 'connected' || h.props['runtime.inMaintenanceMode'] === true ? { unavailable: true } : {}),
      };
    }),
    datastores: datastores.map((d) => {
      const s = d.props['summary'] as { type?: string; capacity?: number; freeSpace?: number; accessible?: boolean };
      return { name: d.name, moref: d.ref.value, type: datastoreType(s.type), capacity: Number(s.capacity ?? 0), freeSpace: Number(s.freeSpace ?? 0), ...(s.accessible === false ? { accessible: false } : {}), ...pathOf(d.ref) };
    }),
    networks: networks.map((n) => ({ name: n.name, moref: n.ref.value, type: n.ref.type === 'DistributedVirtualPortgroup' ? 'dvportgroup' : n.ref.type === 'OpaqueNetwork' ? 'opaque' : 'standard', ...pathOf(n.ref) })),
    resourcePools: pools.map((p) => ({
      name: p.name,
      moref: p.ref.value,
      type: p.ref.type === 'VirtualApp' ? ('vApp' as const) : ('resourcePool' as const),
      ...pathOf(p.ref),
      hosts: ownerHosts.get((p.props['owner'] as ManagedObjectReference | undefined)?.value ?? '') ?? [],
    })),
    ...(options.rest ? { libraries: await captureLibraries(options.rest, options.signal) } : {}),
  };
  const check = checkInventory(snapshot);
  if (!check.inventory) throw new OvfkitError('INTERNAL', `the captured inventory does not validate: ${check.issues.map((i) => JSON.stringify(i)).join('; ')}`);
  return snapshot;
}

/**
 * Every content library and its OVF items as the inventory snapshot records them: names, ids,
 * content versions, file names and sizes, and the descriptor, manifest and certificate whole
 * (each read through its own download session), so an offline plan of `library:LIB/ITEM` reads
 * the same bytes as a live one. Items of other types (ISO, files) are left out.
 */
export async function captureLibraries(rest: RestClient, signal?: AbortSignal): Promise<InventoryLibrary[]> {
  const out: InventoryLibrary[] = [];
  for (const id of await rest.call<string[]>({ method: 'GET', path: ['content', 'library'] }, signal)) {
    const lib = await rest.call<LibraryInfo>({ method: 'GET', path: ['content', 'library', id] }, signal);
    const items: InventoryLibraryItem[] = [];
    for (const itemId of await rest.call<string[]>({ method: 'GET', path: ['content', 'library', 'item'], query: { library_id: id } }, signal)) {
      const item = await rest.call<LibraryItemInfo>({ method: 'GET', path: ['content', 'library', 'item', itemId] }, signal);
      if (item.type !== 'ovf') continue;
      const files = (await itemFiles(rest, itemId, signal)).map((f) => ({ name: f.name, size: Number(f.size ?? 0) }));
      // The same rule as librarySource: one .ovf, the .mf and .cert of its base name.
      const ovfs = files.filter((f) => f.name.toLowerCase().endsWith('.ovf'));
      if (ovfs.length !== 1) continue;
      const base = ovfs[0]!.name.replace(/\.ovf$/i, '');
      const read = async (name: string): Promise<ReturnType<typeof itemContent> | undefined> => (files.some((f) => f.name === name) ? itemContent(name, await readItemFile(rest, itemId, name, { ...(signal ? { signal } : {}) })) : undefined);
      const descriptor = (await read(ovfs[0]!.name))!;
      const manifest = await read(`${base}.mf`);
      const certificate = await read(`${base}.cert`);
      items.push({ name: item.name, id: item.id, ...(item.content_version ? { contentVersion: String(item.content_version) } : {}), files, descriptor, ...(manifest ? { manifest } : {}), ...(certificate ? { certificate } : {}) });
    }
    out.push({ name: lib.name, id: lib.id, type: lib.type === 'SUBSCRIBED' ? 'SUBSCRIBED' : 'LOCAL', items });
  }
  return out;
}
