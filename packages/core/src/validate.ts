/**
 * Cross-reference validation of a read {@link Envelope}: duplicates, dangling references,
 * reference cycles, bounds, configuration ids, disk sizes and order. Every problem is collected;
 * nothing stops at the first one.
 * @see ovf-spec-notes.md §14 (validator checklist)
 */
import type { OvfIssue } from './faults';
import { type At, issues, type OvfIssueCode } from './messages';
import type { Content, Disk, Envelope, Item, Located, VirtualHardwareSection, VirtualSystem } from './model';
import { isIntegerText } from './importspec/units';

const at = (x: Located, suffix = ''): At => ({ line: x.pos.line, column: x.pos.column, path: x.path + suffix });

/** Yields every VirtualSystem / VirtualSystemCollection in document order. */
export function* walkContent(content: Content | undefined): Generator<Content> {
  if (!content) return;
  yield content;
  if (content.kind === 'VirtualSystemCollection') for (const c of content.content) yield* walkContent(c);
}

/** True when an element with `configuration` ids applies to the chosen configuration (empty = all). */
export function inConfiguration(configuration: readonly string[], chosen: string): boolean {
  return configuration.length === 0 || chosen === '' || configuration.includes(chosen);
}

/** Matches `ovf:/disk/<id>`, `ovf://disk/<id>`, `/disk/<id>` (and `file`). */
export function parseHostResource(v: string): { kind: 'disk' | 'file'; id: string } | undefined {
  const m = /^(?:ovf:)?\/{1,2}(disk|file)\/(.+)$/.exec(v.trim());
  return m ? { kind: m[1] as 'disk' | 'file', id: m[2]! } : undefined;
}

/**
 * The Disk an Item's `rasd:HostResource` names: `ovf:/disk/<diskId>`, or `ovf:/file/<fileId>` of
 * a File some Disk holds its content in (`Disk/@ovf:fileRef`). DSP0243 §9.1: the Disk describes
 * that file's content (capacity × units, populatedSize); the File gives only its stored bytes.
 * So ParseDescriptor and CreateImportSpec size such a disk by its Disk, the same way; a File no
 * Disk describes is a bare file, sized by CreateImportSpec from the file. Undefined otherwise.
 * @example diskOfHostResource(resolved.disks, 'ovf:/file/file1') // the ResolvedDisk whose Disk has ovf:fileRef="file1"
 */
export function diskOfHostResource<D extends { disk: Disk }>(disks: readonly D[], hostResource: string): D | undefined {
  const r = parseHostResource(hostResource);
  if (!r) return undefined;
  return r.kind === 'disk' ? disks.find((d) => d.disk.diskId === r.id) : disks.find((d) => d.disk.fileRef === r.id);
}

export function validateEnvelope(env: Envelope, error: OvfIssue[], warning: OvfIssue[]): void {
  const files = env.references?.file ?? [];
  const fileIndex = new Map<string, number>();
  const fileIds: string[] = [];
  const hrefs = new Map<string, number>();
  files.forEach((f, i) => {
    if (f.id !== '') {
      const first = fileIndex.get(f.id);
      if (first !== undefined) error.push(issues.duplicate('DUPLICATE_FILE_ID', at(f, '/@ovf:id'), 'File', 'ovf:id', f.id, files[first]!.pos.line));
      else { fileIndex.set(f.id, i); fileIds.push(f.id); }
    }
    if (f.href !== '') {
      const first = hrefs.get(f.href);
      if (first !== undefined) error.push(issues.duplicate('DUPLICATE_FILE_HREF', at(f, '/@ovf:href'), 'File', 'ovf:href', f.href, first));
      else hrefs.set(f.href, f.pos.line);
    }
  });

  const disks = [...(env.diskSection?.disk ?? []), ...(env.sharedDiskSection?.disk ?? [])];
  const diskById = new Map<string, (typeof disks)[number]>();
  for (const d of disks) {
    if (d.diskId === '') continue;
    const first = diskById.get(d.diskId);
    if (first) error.push(issues.duplicate('DUPLICATE_DISK_ID', at(d, '/@ovf:diskId'), 'Disk', 'ovf:diskId', d.diskId, first.pos.line));
    else diskById.set(d.diskId, d);
  }
  const diskIds = [...diskById.keys()];
  let lastFileIndex = -1;
  for (const d of disks) {
    if (d.fileRef !== undefined) {
      // A File is named by its ovf:id; the oVirt dialect's href here names none (docs/vmw-sections.md).
      const fi = fileIndex.get(d.fileRef);
      if (fi === undefined) error.push(issues.danglingReference('DANGLING_FILE_REF', at(d, '/@ovf:fileRef'), 'Disk', 'ovf:fileRef', d.fileRef, 'File', fileIds));
      else {
        if (fi < lastFileIndex) warning.push(issues.diskOrder(at(d), d.diskId));
        lastFileIndex = Math.max(lastFileIndex, fi);
      }
    }
    if (d.parentRef !== undefined && d.parentRef !== '' && !diskById.has(d.parentRef)) {
      error.push(issues.danglingReference('DANGLING_PARENT_REF', at(d, '/@ovf:parentRef'), 'Disk', 'ovf:parentRef', d.parentRef, 'Disk', diskIds));
    }
    if (d.populatedSize !== undefined && d.capacityBytes !== undefined && d.populatedSize > d.capacityBytes) {
      error.push(issues.populatedExceedsCapacity(at(d, '/@ovf:populatedSize'), d.diskId, d.populatedSize, d.capacityBytes));
    }
  }
  // Delta-disk chains must end.
  for (const chain of findCycles(disks.map((d) => d.diskId), (id) => diskById.get(id)?.parentRef)) {
    const d = diskById.get(chain[0]!)!;
    error.push(issues.referenceCycle(at(d, '/@ovf:parentRef'), 'Disk', 'ovf:parentRef', chain));
  }

  const networks = env.networkSection?.network ?? [];
  const networkNames = new Map<string, number>();
  for (const n of networks) {
    if (n.name === '') continue;
    const first = networkNames.get(n.name);
    if (first !== undefined) error.push(issues.duplicate('DUPLICATE_NETWORK', at(n, '/@ovf:name'), 'Network', 'ovf:name', n.name, first));
    else networkNames.set(n.name, n.pos.line);
  }

  const configs = env.deploymentOptionSection?.configuration ?? [];
  const configIds = new Map<string, number>();
  for (const c of configs) {
    if (c.id === '') continue;
    const first = configIds.get(c.id);
    if (first !== undefined) error.push(issues.duplicate('DUPLICATE_CONFIGURATION', at(c, '/@ovf:id'), 'Configuration', 'ovf:id', c.id, first));
    else configIds.set(c.id, c.pos.line);
  }
  const defaults = configs.filter((c) => c.default);
  if (defaults.length > 1) error.push(issues.multipleDefaults(at(defaults[1]!, '/@ovf:default'), defaults.map((c) => c.id)));
  const knownConfigs = [...configIds.keys()];
  const checkConfigs = (x: Located, elementName: string, ids: readonly string[]): void => {
    for (const id of ids) if (!configIds.has(id)) error.push(issues.unknownConfiguration(at(x, '/@ovf:configuration'), elementName, id, knownConfigs));
  };

  for (const s of env.strings) {
    if (s.fileRef !== undefined && !fileIndex.has(s.fileRef)) {
      // vSphere imports such a descriptor and falls back to the descriptor's own texts.
      warning.push(issues.danglingReference('DANGLING_STRINGS_FILE_REF', at(s, '/@ovf:fileRef'), 'Strings', 'ovf:fileRef', s.fileRef, 'File', fileIds));
    }
  }

  const contentIds = new Map<string, number>();
  for (const c of walkContent(env.content)) {
    if (c.id !== '') {
      const first = contentIds.get(c.id);
      if (first !== undefined) error.push(issues.duplicate('DUPLICATE_CONTENT_ID', at(c, '/@ovf:id'), c.kind, 'ovf:id', c.id, first));
      else contentIds.set(c.id, c.pos.line);
    }
    // class + instance name a ProductSection (and prefix its property ids): one per entity.
    const productIds = new Map<string, number>();
    for (const ps of c.productSection) {
      const productId = `${ps.class ?? ''}\u0000${ps.instance ?? ''}`;
      const first = productIds.get(productId);
      if (first !== undefined) {
        const shown = [ps.class, ps.instance].filter((x) => x !== undefined && x !== '').join('.') || '(no class, no instance)';
        error.push(issues.duplicate('DUPLICATE_PRODUCT_SECTION', at(ps), 'ProductSection', 'ovf:class + ovf:instance', shown, first));
      } else productIds.set(productId, ps.pos.line);
      for (const icon of ps.icon) {
        if (icon.fileRef !== '' && !fileIndex.has(icon.fileRef)) {
          error.push(issues.danglingReference('DANGLING_ICON_FILE_REF', at(icon, '/@ovf:fileRef'), 'Icon', 'ovf:fileRef', icon.fileRef, 'File', fileIds));
        }
      }
      for (const p of ps.property) {
        checkConfigs(p, 'Property', p.configuration);
        for (const v of p.values) checkConfigs(v, 'Property Value', v.configuration);
      }
    }
    if (c.kind === 'VirtualSystem') {
      for (const vhs of c.virtualHardwareSection) validateHardware(vhs, c, { fileIndex, fileIds, diskById, diskIds, networkNames, checkConfigs }, error);
    } else if (c.startupSection) {
      const childIds = c.content.map((k) => k.id);
      const children = new Set(childIds);
      for (const item of c.startupSection.item) {
        if (item.id !== '' && !children.has(item.id)) {
          error.push(issues.danglingReference('DANGLING_STARTUP_ID', at(item, '/@ovf:id'), 'StartupSection Item', 'ovf:id', item.id, 'VirtualSystem', childIds));
        }
      }
    }
  }
}

interface Refs {
  fileIndex: Map<string, number>;
  fileIds: string[];
  diskById: Map<string, unknown>;
  diskIds: string[];
  networkNames: Map<string, number>;
  checkConfigs(x: Located, elementName: string, ids: readonly string[]): void;
}

/**
 * Two items with one InstanceID clash when they apply to exactly the same configurations (both
 * unconditional, or the same ovf:configuration set). An unconditional item plus
 * configuration-specific ones, or overlapping sets, is the override pattern ovftool accepts (the
 * more specific item wins in its configurations).
 */
function overlap(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((x, i) => x === sb[i]);
}

/** Builds a list once, on first use: "allowed" lists must not turn many errors into O(n²) work. */
function lazy<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= make());
}

function validateHardware(vhs: VirtualHardwareSection, _vs: VirtualSystem, refs: Refs, error: OvfIssue[]): void {
  const networkList = lazy(() => [...refs.networkNames.keys()]);
  const hostResourceList = lazy(() => [...refs.diskIds.map((d) => `ovf:/disk/${d}`), ...refs.fileIds.map((f) => `ovf:/file/${f}`)]);
  const instanceList = lazy(() => [...byInstance.keys()]);
  // One Item per InstanceID is the rule: keep it bare and only make a list for repeats.
  const byInstance = new Map<string, Item | Item[]>();
  for (const item of vhs.item) {
    refs.checkConfigs(item, item.kind, item.configuration);
    if (item.instanceID === undefined || item.instanceID === '') {
      error.push(issues.missingElement(at(item), item.kind, 'rasd:InstanceID', 'Give every Item a rasd:InstanceID unique in its VirtualHardwareSection.'));
    } else {
      const prev = byInstance.get(item.instanceID);
      if (prev === undefined) byInstance.set(item.instanceID, item);
      else if (Array.isArray(prev)) prev.push(item);
      else byInstance.set(item.instanceID, [prev, item]);
    }
    if (item.resourceType === undefined || item.resourceType === '') {
      error.push(issues.missingElement(at(item), item.kind, 'rasd:ResourceType', 'Add rasd:ResourceType (the CIM device type, e.g. 17 for a disk).'));
    } else if (!/^\d+$/.test(item.resourceType)) {
      error.push(issues.malformedNumber(at(item, '/rasd:ResourceType'), item.kind, 'rasd:ResourceType', item.resourceType, 'a CIM ResourceType number'));
    }
    // vSphere reads VirtualQuantity as an integer when it parses the descriptor.
    if (item.virtualQuantity !== undefined && !isIntegerText(item.virtualQuantity)) {
      error.push(issues.malformedNumber(at(item, '/rasd:VirtualQuantity'), item.kind, 'rasd:VirtualQuantity', item.virtualQuantity, 'a whole number'));
    }
    // Connection names a network only on NICs (XenServer writes disk ids there on disks).
    const isNic = item.kind === 'EthernetPortItem' || item.resourceType === '10' || item.resourceType === '11';
    if (isNic) for (const conn of item.connection) {
      if (conn !== '' && !refs.networkNames.has(conn)) {
        error.push(issues.danglingReference('DANGLING_CONNECTION', at(item, '/rasd:Connection'), item.kind, 'rasd:Connection', conn, 'Network', networkList()));
      }
    }
    for (const hr of item.hostResource) {
      const r = parseHostResource(hr);
      if (!r) {
        // Only the ovf:/disk/ and ovf:/file/ forms name anything; a bare href or id (the oVirt
        // dialect) is read by neither ParseDescriptor nor CreateImportSpec (docs/vmw-sections.md).
        if (hr !== '') error.push(issues.hostResource(at(item, '/rasd:HostResource'), hr, hostResourceList()));
        continue;
      }
      const ok = r.kind === 'disk' ? refs.diskById.has(r.id) : refs.fileIndex.has(r.id);
      if (!ok) {
        error.push(issues.hostResource(at(item, '/rasd:HostResource'), hr, hostResourceList()));
      }
    }
  }
  for (const [id, entry] of byInstance) {
    if (!Array.isArray(entry)) {
      const b = entry.bound;
      if (b === 'min' || b === 'max') error.push(issues.missingNormalBound(at(entry), id, [b]));
      continue;
    }
    const items = entry;
    // Group by bound (absent = normal); two items with the same bound that can be active in the
    // same configuration are duplicates.
    const seen: { bound: string; item: Item }[] = [];
    const byScope = new Map<string, { bound: string; item: Item }>();
    for (const item of items) {
      const bound = item.bound ?? 'normal';
      // Same bound and same configuration set (see overlap) = same key: a Map, not a scan.
      const key = `${bound}\u0000${[...item.configuration].sort().join('\u0000')}`;
      const clash = byScope.get(key);
      if (clash) {
        const code: OvfIssueCode = bound === 'normal' ? 'DUPLICATE_INSTANCE_ID' : 'DUPLICATE_BOUND';
        if (code === 'DUPLICATE_INSTANCE_ID') error.push(issues.duplicate(code, at(item, '/rasd:InstanceID'), item.kind, 'rasd:InstanceID', id, clash.item.pos.line));
        else error.push(issues.duplicateBound(at(item, '/@ovf:bound'), id, bound, clash.item.pos.line));
      } else {
        const entry = { bound, item };
        seen.push(entry);
        byScope.set(key, entry);
      }
    }
    const bounds = [...new Set(seen.map((s) => s.bound))];
    if (bounds.some((b) => b === 'min' || b === 'max') && !bounds.includes('normal')) {
      error.push(issues.missingNormalBound(at(items[0]!), id, bounds));
    }
  }
  // Parent must name an InstanceID of this section, and the parent chain must end.
  const parentOf = new Map<string, string>();
  for (const item of vhs.item) {
    // oVirt writes the all-zero UUID for "no parent".
    if (item.parent === undefined || item.parent === '' || item.parent === '00000000-0000-0000-0000-000000000000') continue;
    if (!byInstance.has(item.parent)) {
      error.push(issues.danglingReference('DANGLING_PARENT', at(item, '/rasd:Parent'), item.kind, 'rasd:Parent', item.parent, 'Item InstanceID', instanceList()));
    } else if (item.instanceID) parentOf.set(item.instanceID, item.parent);
  }
  for (const chain of findCycles([...parentOf.keys()], (id) => parentOf.get(id))) {
    const entry = byInstance.get(chain[0]!)!;
    const item = Array.isArray(entry) ? entry[0]! : entry;
    error.push(issues.referenceCycle(at(item, '/rasd:Parent'), 'Item', 'rasd:Parent', chain));
  }
}

/**
 * Every cycle of a "points to" relation (each node has at most one successor), each reported once,
 * in linear time: hostile descriptors can chain thousands of items.
 */
export function findCycles(nodes: readonly string[], next: (id: string) => string | undefined): string[][] {
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = finished
  const cycles: string[][] = [];
  for (const startId of nodes) {
    if (state.has(startId)) continue;
    const path: string[] = [];
    let cur: string | undefined = startId;
    while (cur !== undefined && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      cur = next(cur);
    }
    if (cur !== undefined && state.get(cur) === 1) {
      const from = path.indexOf(cur);
      cycles.push([...path.slice(from), cur]);
    }
    for (const id of path) state.set(id, 2);
  }
  return cycles;
}
