import { UsageError } from '../errors';
import type { IssueCollector } from '../hostprofiles/issues';
import { descriptorDigest } from '../resolve';

/** Library types as `content.LibraryModel.type` reports them. */
export const LIBRARY_TYPES = ['LOCAL', 'SUBSCRIBED'] as const;

/**
 * A small file of a library item captured whole (descriptor, manifest, certificate): its bytes
 * as UTF-8 `text` when they are valid UTF-8, else as `base64`, and `digest` = `sha256:<hex>` of
 * the bytes (for the descriptor, the plan's `descriptorDigest`).
 */
export interface InventoryItemContent {
  name: string;
  digest: string;
  text?: string;
  base64?: string;
}

/** One file an item holds. @see content.library.item.File */
export interface InventoryItemFile {
  name: string;
  /** Size in bytes. */
  size: number;
}

/** An OVF item of a content library, with what a plan reads from it. @see content.library.ItemModel */
export interface InventoryLibraryItem {
  name: string;
  id: string;
  /** `content_version` when captured (informative). */
  contentVersion?: string;
  files: InventoryItemFile[];
  descriptor: InventoryItemContent;
  manifest?: InventoryItemContent;
  certificate?: InventoryItemContent;
}

/** A content library and its OVF items. @see content.LibraryModel */
export interface InventoryLibrary {
  name: string;
  id: string;
  type: (typeof LIBRARY_TYPES)[number];
  items: InventoryLibraryItem[];
}

/** A captured file's content in snapshot form: text when the bytes are UTF-8, else base64. */
export function itemContent(name: string, bytes: Buffer): InventoryItemContent {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { name, digest: descriptorDigest(bytes), text } : { name, digest: descriptorDigest(bytes), base64: bytes.toString('base64') };
}

/** The bytes of a captured file. */
export function itemContentBytes(c: InventoryItemContent): Buffer {
  return c.text !== undefined ? Buffer.from(c.text, 'utf8') : Buffer.from(c.base64 ?? '', 'base64');
}

function content(c: IssueCollector, o: Record<string, unknown>, key: string, path: string, files: InventoryItemFile[], required: boolean): InventoryItemContent | undefined {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  const p = `${path}.${key}`;
  if (!c.isObject(v, p)) return undefined;
  c.unknownFields(v, p, ['name', 'digest', 'text', 'base64']);
  const name = c.string(v, 'name', p);
  const digest = c.string(v, 'digest', p);
  const text = typeof v['text'] === 'string' ? v['text'] : undefined;
  const base64 = typeof v['base64'] === 'string' ? v['base64'] : undefined;
  if ((text === undefined) === (base64 === undefined)) {
    c.add(v['text'] === undefined && v['base64'] === undefined ? 'MISSING_FIELD' : 'WRONG_TYPE', `${p}.text`, v['text'] ?? v['base64'], 'exactly one of "text" (UTF-8) or "base64" as a string', 'recapture the snapshot');
    return undefined;
  }
  if (name && !files.some((f) => f.name === name)) c.add('DANGLING_REFERENCE', `${p}.name`, name, `the name of a file in ${path}.files`, 'add the file or recapture the snapshot');
  if (!name || !digest) return undefined;
  const out: InventoryItemContent = { name, digest, ...(text !== undefined ? { text } : { base64: base64! }) };
  const actual = descriptorDigest(itemContentBytes(out));
  if (digest !== actual) c.add('DIGEST_MISMATCH', `${p}.digest`, digest, actual, 'the content was changed after capture: recapture the snapshot');
  return out;
}

/**
 * Checks the `libraries` of an inventory snapshot: names and ids unique (library names compared
 * without case, as vCenter's `find` does; item names per library), every file sized, the
 * descriptor (and manifest, certificate) one of the item's files with a digest that matches.
 */
export function checkLibraries(c: IssueCollector, json: Record<string, unknown>): InventoryLibrary[] | undefined {
  const list = c.array(json, 'libraries', '$', false);
  if (!list) return undefined;
  const out: InventoryLibrary[] = [];
  const libNames = new Set<string>();
  const ids = new Set<string>();
  const uniqueId = (id: string, p: string, what: string): void => {
    if (ids.has(id)) c.add('DUPLICATE', `${p}.id`, id, `an id not used by another library or item`, `remove the duplicate ${what}`);
    ids.add(id);
  };
  list.forEach((v, i) => {
    const p = `$.libraries[${i}]`;
    if (!c.isObject(v, p)) return;
    c.unknownFields(v, p, ['name', 'id', 'type', 'items']);
    const name = c.string(v, 'name', p);
    const id = c.string(v, 'id', p);
    const type = c.oneOf(v, 'type', p, LIBRARY_TYPES);
    if (name) {
      if (libNames.has(name.toLowerCase())) c.add('DUPLICATE', `${p}.name`, name, 'a name not used by another library (compared without case)', 'remove the duplicate library');
      libNames.add(name.toLowerCase());
    }
    if (id) uniqueId(id, p, 'library');
    const items: InventoryLibraryItem[] = [];
    const itemNames = new Set<string>();
    c.array(v, 'items', p)?.forEach((iv, j) => {
      const ip = `${p}.items[${j}]`;
      if (!c.isObject(iv, ip)) return;
      c.unknownFields(iv, ip, ['name', 'id', 'contentVersion', 'files', 'descriptor', 'manifest', 'certificate']);
      const iname = c.string(iv, 'name', ip);
      const iid = c.string(iv, 'id', ip);
      const contentVersion = c.string(iv, 'contentVersion', ip, false);
      const files: InventoryItemFile[] = [];
      c.array(iv, 'files', ip)?.forEach((fv, k) => {
        const fp = `${ip}.files[${k}]`;
        if (!c.isObject(fv, fp)) return;
        c.unknownFields(fv, fp, ['name', 'size']);
        const fname = c.string(fv, 'name', fp);
        const size = c.integer(fv, 'size', fp, 0);
        if (fname && files.some((f) => f.name === fname)) c.add('DUPLICATE', `${fp}.name`, fname, 'a file name not used twice in one item', 'remove the duplicate file');
        else if (fname && size !== undefined) files.push({ name: fname, size });
      });
      const descriptor = content(c, iv, 'descriptor', ip, files, true);
      const manifest = content(c, iv, 'manifest', ip, files, false);
      const certificate = content(c, iv, 'certificate', ip, files, false);
      if (iname) {
        if (itemNames.has(iname)) c.add('DUPLICATE', `${ip}.name`, iname, 'a name not used by another item of the library', 'remove the duplicate item');
        itemNames.add(iname);
      }
      if (iid) uniqueId(iid, ip, 'item');
      if (!iname || !iid || !descriptor) return;
      items.push({ name: iname, id: iid, ...(contentVersion ? { contentVersion } : {}), files, descriptor, ...(manifest ? { manifest } : {}), ...(certificate ? { certificate } : {}) });
    });
    if (name && id && type) out.push({ name, id, type, items });
  });
  return out;
}

/**
 * The library item a `library:` reference names in a snapshot: `LIB/ITEM` (the library by id,
 * else by name without case; the item by its exact name) or an item id, with the same messages
 * as the live lookup.
 * @example snapshotLibraryItem(inv.libraries, 'templates/web')
 */
export function snapshotLibraryItem(libraries: readonly InventoryLibrary[] | undefined, ref: string): { library: InventoryLibrary; item: InventoryLibraryItem } {
  if (!libraries) throw new UsageError('the inventory snapshot has no content libraries: capture it with ovfkit inventory capture (vCenter only)');
  const slash = ref.indexOf('/');
  if (slash < 0) {
    if (!ref) throw new UsageError('a library source is library:LIBRARY/ITEM or library:ITEM-ID');
    for (const library of libraries) {
      const item = library.items.find((i) => i.id === ref);
      if (item) return { library, item };
    }
    throw new UsageError(`no content library item with id ${JSON.stringify(ref)} in the inventory snapshot`);
  }
  const libRef = ref.slice(0, slash);
  const itemName = ref.slice(slash + 1);
  const byName = libraries.filter((l) => l.name.toLowerCase() === libRef.toLowerCase());
  const library = libraries.find((l) => l.id === libRef) ?? (byName.length === 1 ? byName[0] : undefined);
  if (!library) throw new UsageError(`no content library named ${JSON.stringify(libRef)} in the inventory snapshot`);
  const item = library.items.find((i) => i.name === itemName);
  if (!item) throw new UsageError(`content library ${JSON.stringify(library.name)} has no OVF item ${JSON.stringify(itemName)} in the inventory snapshot`);
  return { library, item };
}
