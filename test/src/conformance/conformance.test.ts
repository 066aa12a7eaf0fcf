/**
 * One verdict in every front end (issue 11): each row of the table is one input (a package and
 * the choices a user makes) run through `ovfkit plan --json`, Pulumi's real plugin host over gRPC
 * (Check offline as a preview without a connection; Create, Diff and Delete against the
 * simulator), a CDKTF synth of `OvfImport`, and `ovfkit import` against the simulator. Every
 * front end must give the same whole list of errors (code, descriptor path and line; the value
 * where the front end shows one), a refused row must create nothing, and a good row must import.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { ovfImportProvider } from '@ovfkit/pulumi';
import { OvfImport } from '@ovfkit/cdktf';
import { Testing, TerraformStack } from 'cdktf';

import { repoRoot } from '../paths';
import { dynamicUrn, RpcError, startPluginHost, type PluginHost } from '../pulumi/plugin-host';
import { runCli } from '../run-cli';
import { assertNothingLeft, connect } from '../sim/checks';
import { firstText, RawSession, xmlEscape } from '../sim/raw-soap';
import { startSimulator, type Simulator } from '../sim/simulator';

/** What a user chooses, in the words every front end shares. */
interface Choice {
  prop?: Record<string, string>;
  /** Password properties: `--prop` to the CLI, a secret to Pulumi, an environment variable to CDKTF. */
  secret?: Record<string, string>;
  net?: Record<string, string>;
  deploymentOption?: string;
  diskProvisioning?: string;
  hostProfile?: string;
  acceptAllEulas?: boolean;
  name?: string;
  /** Placement other than {@link PLACEMENT}'s, in the words every front end shares. */
  resourcePool?: string;
  datastore?: string;
  folder?: string;
  /**
   * The offline front ends (plan, Pulumi preview, CDKTF synth) check against the simulator's
   * inventory, captured once (`ovfkit inventory capture`); the live import always does.
   */
  inventory?: boolean;
  /** The manifest policy of the import: `--manifest` to the CLI, `manifestPolicy` to Pulumi and CDKTF. */
  manifestPolicy?: 'require' | 'verify-if-present' | 'skip';
}

/**
 * A package: the example OVA as shipped, or a folder holding the example's files with its
 * descriptor edited (and, with `files`, the other files changed: removed, cut short, split in
 * chunks, a manifest written). The folder has no manifest unless `files` writes one.
 */
type Pkg = 'ova' | { edit: (ovf: string) => string | Buffer; files?: (dir: string) => void };

interface Row {
  name: string;
  pkg: Pkg;
  choice: Choice;
  /** The error codes, in order, that every front end must report; [] = the import goes ahead. */
  errors: string[];
  /** The value of the VM's vApp property ntp_servers, as the server read the descriptor. @default the example's */
  ntpServers?: string;
}

/** One issue as every front end can show it: what matters for a user to find and fix it. */
interface Seen {
  code: string;
  path?: string;
  line?: number;
}

const minimalOva = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');
/** The example descriptor with each `from` replaced by its `to`, in order (the row fails loudly if the example changed). */
const edits = (...pairs: Array<[from: string, to: string]>): Exclude<Pkg, 'ova'> => ({
  edit: (ovf) => pairs.reduce((o, [from, to]) => {
    assert.ok(o.includes(from), `the example descriptor has ${from}`);
    return o.replace(from, to);
  }, ovf),
});
const edit = (from: string, to: string): Exclude<Pkg, 'ova'> => edits([from, to]);
/** The example's ProductSection, and the same section given a class and an instance: its properties become `com.example.sentry.<key>.1`. */
const PRODUCT = '<ProductSection ovf:required="false">';
const SENTRY_1 = '<ProductSection ovf:class="com.example.sentry" ovf:instance="1" ovf:required="false">';
/** A second instance of the sentry class with a property `workers` of its own (MaxValue 64), so the bare key `workers` names two properties. */
const SENTRY_2 = '<ProductSection ovf:class="com.example.sentry" ovf:instance="2" ovf:required="false"><Info>second sentry</Info>'
  + '<Property ovf:key="workers" ovf:type="uint8" ovf:userConfigurable="true" ovf:value="2" ovf:qualifiers="MinValue(1),MaxValue(64)"/></ProductSection>\n    <AnnotationSection>';
const sentry = edit(PRODUCT, SENTRY_1);
const twoSentries = edits([PRODUCT, SENTRY_1], ['<AnnotationSection>', SENTRY_2]);
const EULA = '<EulaSection><Info>License agreement</Info><License>Use it kindly.</License></EulaSection>\n    <AnnotationSection>';
const NTP_DEFAULT = 'ovf:value="pool.ntp.org"';
/** A default value outside ASCII, for the encoding rows: the VM's vApp property shows what the server read. */
const ACCENTED = 'café.naïve.example';
/** The example descriptor in another encoding, the default of ntp_servers carrying characters outside ASCII. */
const encoded = (declared: string, encode: (text: string) => Buffer, lineEnd = '\n'): Pkg => ({
  edit: (ovf) => encode(ovf.replace('encoding="UTF-8"', `encoding="${declared}"`).replace(NTP_DEFAULT, `ovf:value="${ACCENTED}"`).replace(/\n/g, lineEnd)),
});
/** UTF-8 bytes of the example with one invalid sequence (0xC3 0x28) in the default of ntp_servers. */
const badUtf8: Pkg = {
  edit: (ovf) => {
    const [a, b] = ovf.split(NTP_DEFAULT) as [string, string];
    return Buffer.concat([Buffer.from(`${a}ovf:value="ntp`), Buffer.from([0xc3, 0x28]), Buffer.from(`"${b}`)]);
  },
};

/** The example's disk file and its ovf:size. */
const DISK = 'minimal-disk1.vmdk';
const DISK_SIZE = 'ovf:size="196608"';
/** The example folder with its disk file changed, the descriptor as it is. */
const diskFile = (change: (disk: string) => void): Pkg => ({ ...edit(DISK_SIZE, DISK_SIZE), files: (dir) => change(path.join(dir, DISK)) });
/** The example with its disk stored in chunks of 64 KiB (ovf:chunkSize), leaving out chunk `drop` if given. */
const chunkedDisk = (drop?: number): Pkg => ({
  ...edit(DISK_SIZE, `${DISK_SIZE} ovf:chunkSize="65536"`),
  files: (dir) => {
    const disk = path.join(dir, DISK);
    const bytes = fs.readFileSync(disk);
    fs.rmSync(disk);
    for (let i = 0; i * 65536 < bytes.length; i++) if (i !== drop) fs.writeFileSync(`${disk}.${String(i).padStart(9, '0')}`, bytes.subarray(i * 65536, (i + 1) * 65536));
  },
});
/**
 * The example folder with a manifest (SHA256 lines for the descriptor and the disk, as
 * `ovfkit manifest create` writes them), the descriptor's line with the digest of other bytes
 * when `wrongDescriptorLine`: the descriptor as it is, its manifest line wrong.
 */
const withManifest = (wrongDescriptorLine: boolean): Pkg => ({
  ...edit('<Vendor>', '<Vendor>'),
  files: (dir) => {
    const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
    const descriptor = fs.readFileSync(path.join(dir, 'minimal.ovf'));
    const lines = [
      `SHA256(minimal.ovf)= ${wrongDescriptorLine ? sha256('not the descriptor') : sha256(descriptor)}`,
      `SHA256(${DISK})= ${sha256(fs.readFileSync(path.join(dir, DISK)))}`,
    ];
    fs.writeFileSync(path.join(dir, 'minimal.mf'), `${lines.join('\n')}\n`);
  },
});
const wrongManifestLine = withManifest(true);
/** A distributed port group the suite adds to the simulator, named as many sites name theirs (vCenter stores it as 10.0.0.0%2f24). */
const SLASHED_NETWORK = '10.0.0.0/24';

const ROWS: Row[] = [
  // Good inputs.
  { name: 'the example as it is', pkg: 'ova', choice: {}, errors: [] },
  { name: 'a property at its maximum', pkg: 'ova', choice: { prop: { workers: '16' } }, errors: [] },
  { name: 'a property at its minimum', pkg: 'ova', choice: { prop: { workers: '1' } }, errors: [] },
  { name: 'a value of a value map', pkg: 'ova', choice: { prop: { log_level: 'debug' } }, errors: [] },
  { name: 'a string within its lengths', pkg: 'ova', choice: { prop: { hostname: 'web01' } }, errors: [] },
  { name: 'a password within its lengths', pkg: 'ova', choice: { secret: { root_password: 'correct-horse' } }, errors: [] },
  { name: 'the network mapped', pkg: 'ova', choice: { net: { 'VM Network': 'VM Network' } }, errors: [] },
  { name: 'the other deployment option', pkg: 'ova', choice: { deploymentOption: 'large', prop: { workers: '16' } }, errors: [] },
  { name: 'the default deployment option by name', pkg: 'ova', choice: { deploymentOption: 'small' }, errors: [] },
  { name: 'thin disks', pkg: 'ova', choice: { diskProvisioning: 'thin' }, errors: [] },
  { name: 'an older host profile that runs vmx-13', pkg: 'ova', choice: { hostProfile: 'esxi-6.5' }, errors: [] },
  { name: 'a folder package without a manifest', pkg: edit('<Vendor>', '<Vendor>'), choice: {}, errors: [] },
  { name: 'several properties at once', pkg: 'ova', choice: { prop: { workers: '4', ntp_servers: 'ntp.example', log_level: 'warn' } }, errors: [] },
  { name: 'a EULA accepted', pkg: edit('<AnnotationSection>', EULA), choice: { acceptAllEulas: true }, errors: [] },
  { name: 'a Latin-1 descriptor', pkg: encoded('ISO-8859-1', (t) => Buffer.from(t, 'latin1')), choice: {}, errors: [], ntpServers: ACCENTED },
  { name: 'a UTF-16 descriptor', pkg: encoded('UTF-16', (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])), choice: {}, errors: [], ntpServers: ACCENTED },
  { name: 'a Latin-1 descriptor with CR LF line ends', pkg: encoded('ISO-8859-1', (t) => Buffer.from(t, 'latin1'), '\r\n'), choice: {}, errors: [], ntpServers: ACCENTED },
  { name: 'a UTF-16 BE descriptor with CR LF line ends', pkg: encoded('UTF-16', (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()]), '\r\n'), choice: {}, errors: [], ntpServers: ACCENTED },
  { name: 'a name of its own', pkg: 'ova', choice: { name: 'conformance-named' }, errors: [] },

  // Property values outside their qualifiers, and properties a user may not set.
  { name: 'an int above MaxValue', pkg: 'ova', choice: { prop: { workers: '99' } }, errors: ['PROPERTY_VALUE_INVALID'] },
  { name: 'an int below MinValue', pkg: 'ova', choice: { prop: { workers: '0' } }, errors: ['PROPERTY_VALUE_INVALID'] },
  { name: 'an int that is not a number', pkg: 'ova', choice: { prop: { workers: 'many' } }, errors: ['PROPERTY_VALUE_INVALID'] },
  { name: 'a value outside the value map', pkg: 'ova', choice: { prop: { log_level: 'trace' } }, errors: ['PROPERTY_VALUE_INVALID'] },
  { name: 'a string above MaxLen', pkg: 'ova', choice: { prop: { hostname: 'h'.repeat(64) } }, errors: ['PROPERTY_VALUE_INVALID'] },
  { name: 'two values outside their qualifiers at once', pkg: 'ova', choice: { prop: { log_level: 'trace', workers: '99' } }, errors: ['PROPERTY_VALUE_INVALID', 'PROPERTY_VALUE_INVALID'] },
  {
    name: 'a value for a property that is not user-configurable',
    pkg: edit('ovf:key="ip0" ovf:type="string" ovf:userConfigurable="true"', 'ovf:key="ip0" ovf:type="string" ovf:userConfigurable="false"'),
    choice: { prop: { ip0: '192.0.2.7' } }, errors: ['PROPERTY_NOT_USER_CONFIGURABLE'],
  },
  // Networks.
  { name: 'a mapping for an OVF network the package does not have', pkg: 'ova', choice: { net: { Nope: 'VM Network' } }, errors: ['UNKNOWN_NETWORK_IN_MAPPING'] },
  { name: 'a NIC on a network the NetworkSection does not declare', pkg: edit('<rasd:Connection>VM Network</rasd:Connection>', '<rasd:Connection>Other</rasd:Connection>'), choice: {}, errors: ['DANGLING_CONNECTION'] },
  { name: 'two networks of one name', pkg: edit('</NetworkSection>', '<Network ovf:name="VM Network"><Description>again</Description></Network></NetworkSection>'), choice: {}, errors: ['DUPLICATE_NETWORK'] },
  // Deployment options and the entity.
  { name: 'two default deployment options', pkg: edit('<Configuration ovf:id="large">', '<Configuration ovf:id="large" ovf:default="true">'), choice: {}, errors: ['MULTIPLE_DEFAULT_CONFIGURATIONS'] },
  { name: 'a name longer than vSphere allows', pkg: 'ova', choice: { name: 'n'.repeat(90) }, errors: ['INVALID_ENTITY_NAME'] },
  { name: 'a disk provisioning vSphere does not know', pkg: 'ova', choice: { diskProvisioning: 'bogus' }, errors: ['DISK_PROVISIONING_UNSUPPORTED'] },
  // The descriptor's own structure.
  { name: 'a truncated descriptor', pkg: { edit: (o) => o.slice(0, 3000) }, choice: {}, errors: ['XML_MALFORMED'] },
  { name: 'an Envelope in another namespace', pkg: edit('xmlns="http://schemas.dmtf.org/ovf/envelope/1"', 'xmlns="http://example.com/not-ovf"'), choice: {}, errors: ['WRONG_NAMESPACE'] },
  { name: 'a disk whose fileRef names no File', pkg: edit('ovf:fileRef="file1"', 'ovf:fileRef="file9"'), choice: {}, errors: ['DANGLING_FILE_REF'] },
  { name: 'a populated size above the capacity', pkg: edit('ovf:populatedSize="0"', 'ovf:populatedSize="99999999999"'), choice: {}, errors: ['POPULATED_SIZE_EXCEEDS_CAPACITY'] },
  { name: 'two ProductSections of one class and instance', pkg: edit('<AnnotationSection>', '<ProductSection><Info>again</Info></ProductSection>\n    <AnnotationSection>'), choice: {}, errors: ['DUPLICATE_PRODUCT_SECTION'] },
  { name: 'a required section vSphere does not know', pkg: edit('<AnnotationSection>', '<vmw:FooSection ovf:required="true"><Info>x</Info></vmw:FooSection>\n    <AnnotationSection>'), choice: {}, errors: ['UNSUPPORTED_SECTION'] },
  { name: 'a required RASD element no schema defines', pkg: edit('<rasd:ResourceType>17</rasd:ResourceType>', '<rasd:ResourceType>17</rasd:ResourceType><vmw:Bogus ovf:required="true">x</vmw:Bogus>'), choice: {}, errors: ['UNSUPPORTED_ELEMENT'] },
  // Hardware against a host profile.
  { name: 'vmx-21 on an ESXi 6.5 host profile', pkg: edit('vmx-13', 'vmx-21'), choice: { hostProfile: 'esxi-6.5' }, errors: ['HARDWARE_VERSION_UNSUPPORTED'] },
  { name: 'more CPUs than the host profile allows', pkg: edit('<rasd:VirtualQuantity>1</rasd:VirtualQuantity>', '<rasd:VirtualQuantity>1024</rasd:VirtualQuantity>'), choice: {}, errors: ['CPU_ABOVE_MAXIMUM'] },
  { name: 'more memory than the host profile allows', pkg: edit('<rasd:VirtualQuantity>1024</rasd:VirtualQuantity>', '<rasd:VirtualQuantity>99999999</rasd:VirtualQuantity>'), choice: {}, errors: ['MEMORY_ABOVE_MAXIMUM'] },
  { name: 'a CPU count that is not an integer', pkg: edit('<rasd:VirtualQuantity>1</rasd:VirtualQuantity>', '<rasd:VirtualQuantity>1.5</rasd:VirtualQuantity>'), choice: {}, errors: ['MALFORMED_NUMBER'] },
  { name: 'a NIC type the host profile does not have', pkg: edit('<rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>', '<rasd:ResourceSubType>E1001</rasd:ResourceSubType>'), choice: {}, errors: ['DEVICE_TYPE_UNSUPPORTED'] },
  { name: 'a SCSI controller type the host profile does not have', pkg: edit('<rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>', '<rasd:ResourceSubType>BogusSCSI</rasd:ResourceSubType>'), choice: {}, errors: ['DEVICE_TYPE_UNSUPPORTED'] },
  { name: 'a guest OS the host profile does not know', pkg: edit('vmw:osType="otherLinux64Guest"', 'vmw:osType="noSuchGuest"'), choice: {}, errors: ['GUEST_ID_UNSUPPORTED'] },
  { name: 'a disk on a HostResource no Disk has', pkg: edit('ovf:/disk/vmdisk1', 'ovf:/disk/vmdisk9'), choice: {}, errors: ['DANGLING_HOST_RESOURCE'] },
  // Encodings.
  { name: 'an invalid UTF-8 sequence', pkg: badUtf8, choice: {}, errors: ['XML_INVALID_UTF8'] },
  { name: 'Latin-1 bytes declared as UTF-8', pkg: encoded('UTF-8', (t) => Buffer.from(t, 'latin1')), choice: {}, errors: ['XML_INVALID_UTF8'] },
  { name: 'an encoding no reader knows', pkg: edit('encoding="UTF-8"', 'encoding="EBCDIC-XYZ"'), choice: {}, errors: ['XML_UNSUPPORTED_ENCODING'] },
  // Property keys: a bare key naming one property is that property (its value applied, its
  // qualifiers checked); one naming several, or none, is refused with the candidates.
  { name: 'bare keys of class-qualified properties', pkg: sentry, choice: { prop: { ntp_servers: 'ntp.sentry.example', workers: '8' } }, errors: [], ntpServers: 'ntp.sentry.example' },
  { name: 'the full id of a class-qualified property', pkg: sentry, choice: { prop: { 'com.example.sentry.ntp_servers.1': 'ntp.full.example' } }, errors: [], ntpServers: 'ntp.full.example' },
  { name: 'a bare key of a class-qualified property outside its qualifiers', pkg: sentry, choice: { prop: { workers: '99' } }, errors: ['PROPERTY_VALUE_INVALID'] },
  { name: 'a bare key two instances of a class have', pkg: twoSentries, choice: { prop: { workers: '8' } }, errors: ['AMBIGUOUS_PROPERTY_KEY'] },
  { name: 'a property key no property has', pkg: 'ova', choice: { prop: { nosuch: '1' } }, errors: ['UNKNOWN_PROPERTY_KEY'] },
  { name: 'a mistyped bare key of a class-qualified property', pkg: sentry, choice: { prop: { wrokers: '4' } }, errors: ['UNKNOWN_PROPERTY_KEY'] },
  // The package is complete: every referenced file present at its ovf:size.
  { name: 'a disk file that is not beside the descriptor', pkg: diskFile((d) => fs.rmSync(d)), choice: {}, errors: ['PACKAGE_FILE_MISSING'] },
  { name: 'a disk file shorter than its ovf:size', pkg: diskFile((d) => fs.truncateSync(d, 196607)), choice: {}, errors: ['PACKAGE_FILE_SIZE_MISMATCH'] },
  { name: 'a disk in chunks with a chunk missing', pkg: chunkedDisk(1), choice: {}, errors: ['PACKAGE_CHUNK_MISSING'] },
  { name: 'a disk in chunks, every chunk present', pkg: chunkedDisk(), choice: {}, errors: [] },
  // The manifest policy: judged by the plan from the package's .mf, before anything is created.
  { name: 'a manifest whose line for the descriptor is wrong', pkg: wrongManifestLine, choice: {}, errors: ['MANIFEST_DIGEST_MISMATCH'] },
  { name: 'a manifest whose line for the descriptor is wrong, under manifestPolicy skip', pkg: wrongManifestLine, choice: { manifestPolicy: 'skip' }, errors: [] },
  { name: 'a manifest that matches, under manifestPolicy require', pkg: withManifest(false), choice: { manifestPolicy: 'require' }, errors: [] },
  { name: 'no manifest under manifestPolicy require', pkg: edit('<Vendor>', '<Vendor>'), choice: { manifestPolicy: 'require' }, errors: ['MANIFEST_ABSENT'] },
  // EULAs and deployment options.
  { name: 'a EULA not accepted', pkg: edit('<AnnotationSection>', EULA), choice: {}, errors: ['EULA_NOT_ACCEPTED'] },
  { name: 'a deployment option the package does not declare', pkg: 'ova', choice: { deploymentOption: 'huge' }, errors: ['UNKNOWN_DEPLOYMENT_OPTION'] },
  // Placement and networks against the inventory: one resolver offline (a captured snapshot) and live (the server's).
  { name: 'a wrong datastore and a wrong network together', pkg: 'ova', choice: { inventory: true, datastore: 'LocalDS_9', net: { 'VM Network': 'No Such Network' } }, errors: ['UNKNOWN_DATASTORE', 'UNKNOWN_MAPPED_NETWORK'] },
  { name: 'the pool DC0_C0/Resources checked against the inventory', pkg: 'ova', choice: { inventory: true }, errors: [] },
  { name: 'a cluster standing for its root pool', pkg: 'ova', choice: { inventory: true, resourcePool: 'DC0_C0' }, errors: [] },
  { name: 'a resource pool the inventory does not have', pkg: 'ova', choice: { inventory: true, resourcePool: 'DC0_C9/Resources' }, errors: ['UNKNOWN_RESOURCE_POOL'] },
  { name: 'a folder the inventory does not have', pkg: 'ova', choice: { inventory: true, folder: 'no-such-folder' }, errors: ['UNKNOWN_FOLDER'] },
  { name: 'a port group whose name holds "/"', pkg: 'ova', choice: { inventory: true, net: { 'VM Network': SLASHED_NETWORK } }, errors: [] },
  { name: 'a network name with "/" the inventory does not have', pkg: 'ova', choice: { inventory: true, net: { 'VM Network': '10.0.9.0/24' } }, errors: ['UNKNOWN_MAPPED_NETWORK'] },
];

/** Where every row is placed, given to every front end alike. */
const PLACEMENT = { datacenter: 'DC0', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0' } as const;

/** An issue as core reports it (`ovfkit plan --json`, CDKTF, `ovfkit import --json`). */
const seen = (i: { code: string; path?: string; line?: number }): Seen =>
  ({ code: i.code, ...(i.path !== undefined ? { path: i.path } : {}), ...(i.line !== undefined ? { line: i.line } : {}) });

/**
 * An issue as Pulumi shows it: one reason line, "message; at path (line N); … [call: FaultType CODE]"
 * (core's `formatIssue`, through `issueReason` in @ovfkit/pulumi).
 */
function seenInReason(reason: string): Seen {
  const code = /\[(?:\w+: )?\w+ ([A-Z0-9_]+)\]$/.exec(reason)?.[1] ?? `(no code in: ${reason})`;
  // A descriptor path (/Envelope/…) or a file of the package (minimal.mf); never "at line N".
  const at = /; at (?!line \d)(\S.*?)(?: \(line (\d+)\))?(?:; |\s\[)/.exec(reason);
  const line = at?.[2] ?? /; at line (\d+)/.exec(reason)?.[1];
  return { code, ...(at?.[1] !== undefined ? { path: at[1] } : {}), ...(line !== undefined ? { line: Number(line) } : {}) };
}

describe('conformance: one verdict in ovfkit plan, Pulumi, CDKTF synth and ovfkit import', function () {
  this.timeout(300_000);
  let tmp: string;
  let sim: Simulator;
  /** A preview without a vSphere connection: Check is the offline check. */
  let preview: PluginHost;
  /** `pulumi up` against the simulator: Create, Diff, Delete. */
  let apply: PluginHost;
  let provider: string;
  let inventoryFile: string;
  const sources = new Map<Row, string>();
  const simEnv = (): Record<string, string> => ({ VSPHERE_SERVER: sim.url, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-conformance-'));
    const unpacked = path.join(tmp, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xf', minimalOva, '-C', unpacked]);
    ROWS.forEach((row, i) => {
      if (row.pkg === 'ova') return void sources.set(row, minimalOva);
      const dir = path.join(tmp, `row${i}`);
      fs.mkdirSync(dir);
      for (const f of fs.readdirSync(unpacked)) {
        if (f.endsWith('.mf')) continue;
        if (f.endsWith('.ovf')) fs.writeFileSync(path.join(dir, f), row.pkg.edit(fs.readFileSync(path.join(unpacked, f), 'utf8')));
        else fs.copyFileSync(path.join(unpacked, f), path.join(dir, f));
      }
      row.pkg.files?.(dir);
      sources.set(row, dir);
    });
    sim = await startSimulator();
    provider = (await pulumi.runtime.serializeFunction(() => ovfImportProvider, { allowSecrets: true })).text;
    preview = await startPluginHost();
    assert.deepEqual(await preview.configure({}), { acceptSecrets: false });
    apply = await startPluginHost();
    await apply.configure({ 'ovfkit:server': sim.url, 'ovfkit:user': sim.username, 'ovfkit:password': sim.password, 'ovfkit:thumbprint': sim.thumbprint });
    await addPortgroup(sim, SLASHED_NETWORK);
    inventoryFile = path.join(tmp, 'sim-inventory.json');
    const captured = await runCli(['inventory', 'capture', '--out', inventoryFile], simEnv());
    assert.equal(captured.code, 0, captured.stderr);
  });
  after(async () => {
    await preview?.stop();
    await apply?.stop();
    await sim?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * The digests of the ovfDescriptor strings the simulator received since it was last cleared, by
   * call: every one must be the plan's descriptorTextDigest (the text the plan was made of).
   */
  const receivedDescriptors = async (): Promise<Array<[string | undefined, string]>> =>
    (await sim.state()).received.filter((r) => r.kind === 'soap').map((r) => [r.method, r.sha256]);
  const sentAsPlanned = async (digest: string, who: string): Promise<void> => {
    const got = await receivedDescriptors();
    assert.ok(got.some(([m]) => m === 'CreateImportSpec'), `${who} called CreateImportSpec: ${JSON.stringify(got)}`);
    assert.deepEqual(got.filter(([, d]) => d !== digest), [], `${who} sent the planned descriptor text (${digest})`);
  };

  /** The value of a vApp property of an imported VM, as the simulator holds it. */
  const vAppProperty = async (id: string, key: string): Promise<string | undefined> => {
    const session = await connect(sim);
    try {
      const p = await session.properties({ type: 'VirtualMachine', value: id.replace(/^VirtualMachine:/, '') } as never, ['config.vAppConfig']);
      const props = (p['config.vAppConfig'] as { property?: Array<{ id?: string; value?: string; defaultValue?: string }> } | undefined)?.property ?? [];
      const found = props.find((x) => x.id === key);
      return found?.value || found?.defaultValue;
    } finally {
      await session.logout();
    }
  };

  const cliFlags = (c: Choice): string[] => [
    '--pool', c.resourcePool ?? PLACEMENT.resourcePool, '--datastore', c.datastore ?? PLACEMENT.datastore,
    ...(c.folder ? ['--folder', c.folder] : []),
    ...Object.entries({ ...c.prop, ...c.secret }).flatMap(([k, v]) => ['--prop', `${k}=${v}`]),
    ...Object.entries(c.net ?? {}).flatMap(([k, v]) => ['--net', `${k}=${v}`]),
    ...(c.deploymentOption ? ['--deployment-option', c.deploymentOption] : []),
    ...(c.diskProvisioning ? ['--disk-provisioning', c.diskProvisioning] : []),
    ...(c.hostProfile ? ['--host-profile', c.hostProfile] : []),
    ...(c.acceptAllEulas ? ['--accept-all-eulas'] : []),
    ...(c.manifestPolicy ? ['--manifest', c.manifestPolicy] : []),
  ];
  /** The same choice as resource inputs (Pulumi's and CDKTF's share these names); `secret` is how each takes a password. */
  const inputs = (c: Choice, secret: (key: string, value: string) => unknown): Record<string, unknown> => ({
    resourcePool: c.resourcePool ?? PLACEMENT.resourcePool, datastore: c.datastore ?? PLACEMENT.datastore,
    ...(c.folder ? { folder: c.folder } : {}),
    ...(c.inventory ? { inventory: inventoryFile } : {}),
    ...(c.prop || c.secret ? { propertyMapping: { ...c.prop, ...Object.fromEntries(Object.entries(c.secret ?? {}).map(([k, v]) => [k, secret(k, v)])) } } : {}),
    ...(c.net ? { networkMapping: c.net } : {}),
    ...(c.deploymentOption ? { deploymentOption: c.deploymentOption } : {}),
    ...(c.diskProvisioning ? { diskProvisioning: c.diskProvisioning } : {}),
    ...(c.hostProfile ? { hostProfile: c.hostProfile } : {}),
    ...(c.acceptAllEulas ? { acceptAllEulas: true } : {}),
    ...(c.manifestPolicy ? { manifestPolicy: c.manifestPolicy } : {}),
  });

  ROWS.forEach((row, i) => {
    const refused = row.errors.length > 0;
    it(`${refused ? 'refuses' : 'imports'} ${row.name}${refused ? ` (${row.errors.join(', ')})` : ''}`, async () => {
      const source = sources.get(row)!;
      const c = row.choice;
      const name = c.name ?? `conf-${i}`;
      const vmName = c.name ?? name;

      // ovfkit plan --json: the reference list, checked against the row's codes.
      const planOut = await runCli(['plan', source, '--json', '--name', name, ...cliFlags(c), ...(c.inventory ? ['--inventory', inventoryFile] : [])]);
      const plan = JSON.parse(planOut.stdout) as {
        ok: boolean; errors: Seen[]; warnings: Seen[]; descriptorDigest: string; descriptorTextDigest: string;
        properties: Array<{ id: string; mappingKey?: string; value: string; source: string }>;
      };
      const expected = plan.errors.map(seen);
      assert.deepEqual(expected.map((e) => e.code), row.errors, `ovfkit plan: ${JSON.stringify(plan.errors, null, 1)}`);
      assert.equal(planOut.code, refused ? 1 : 0);
      assert.equal(plan.ok, !refused);
      // The plan names the one property each key sets: by its full id, or a bare key resolved to it.
      if (!refused) {
        for (const [key, value] of Object.entries(c.prop ?? {})) {
          const set = plan.properties.filter((p) => (p.mappingKey ?? p.id) === key);
          assert.deepEqual(set.map((p) => [p.source, p.value]), [['propertyMapping', value]], `the plan's property for ${key}: ${JSON.stringify(plan.properties)}`);
        }
      }

      // Pulumi preview: Check over gRPC, no connection.
      const urn = dynamicUrn(`row${i}`, 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
      // The OvfImport class registers propertyMapping as a secret; the dynamic provider answers
      // Configure with acceptSecrets=false, so the engine sends it the values unwrapped.
      const news = { __provider: provider, source, name, ...inputs(c, (_k, v) => v) };
      const checked = await preview.check(urn, {}, news);
      assert.deepEqual(checked.failures.map((f) => seenInReason(f.reason)), expected, `Pulumi Check: ${JSON.stringify(checked.failures, null, 1)}`);

      // CDKTF: the construct's issues, and synth fails on exactly the refused rows.
      const stack = new TerraformStack(Testing.app({ outdir: path.join(tmp, `cdktf-${i}`) }), `row${i}`);
      const imp = new OvfImport(stack, 'Appliance', { source, name, ...PLACEMENT, ...(inputs(c, (k) => ({ fromEnv: `CONFORMANCE_${k.toUpperCase()}` })) as object) });
      assert.deepEqual([...imp.descriptor.errors, ...imp.errors].map(seen), expected, 'CDKTF OvfImport errors');
      if (refused) assert.throws(() => Testing.synth(stack, true), (e: Error) => row.errors.every((code) => e.message.includes(code)), 'CDKTF synth fails naming every code');
      else Testing.synth(stack, true);

      // Pulumi up: Create against the simulator with the inputs Check returned.
      if (refused) {
        await assert.rejects(apply.create(urn, checked.inputs), (e: Error) => {
          assert.ok(e instanceof RpcError, String(e));
          const lines = e.message.split('\n').slice(1).map((l) => seenInReason(l.trim().replace(/^[^:]+: /, '')));
          assert.deepEqual(lines, expected, `Pulumi Create: ${e.message}`);
          return true;
        });
        await assertNothingLeft(sim, vmName);
      } else {
        await sim.clearInjections();
        const created = await apply.create(urn, checked.inputs);
        await sentAsPlanned(plan.descriptorTextDigest, 'Pulumi Create');
        assert.match(created.id, /^VirtualMachine:/);
        assert.equal(created.properties['entityName'], vmName);
        assert.equal(await vAppProperty(created.id, 'ntp_servers'), c.prop?.['ntp_servers'] ?? row.ntpServers ?? 'pool.ntp.org', 'the server read the characters the plan read');
        const again = await apply.diff(created.id, urn, created.properties, checked.inputs);
        assert.deepEqual(again, { changes: 'none', replaces: [], deleteBeforeReplace: false }, 'a second preview after Create changes nothing');
        await apply.delete(created.id, urn, created.properties);
        await assertNothingLeft(sim, vmName);
      }

      // ovfkit import against the simulator.
      const env = simEnv();
      await sim.clearInjections();
      const imported = await runCli(['import', source, '--name', name, '--json', ...cliFlags(c)], env);
      if (refused) {
        assert.equal(imported.code, 1, imported.stderr);
        const out = JSON.parse(imported.stdout) as { refusedBy: string; error: Seen[] };
        assert.equal(out.refusedBy, 'plan');
        assert.deepEqual(out.error.map(seen), expected, `ovfkit import: ${imported.stdout.slice(0, 2000)}`);
        assert.deepEqual(await receivedDescriptors(), [], 'a refused import gives vSphere no descriptor');
        await assertNothingLeft(sim, vmName);
      } else {
        assert.equal(imported.code, 0, imported.stderr + imported.stdout);
        await sentAsPlanned(plan.descriptorTextDigest, 'ovfkit import');
        const r = JSON.parse(imported.stdout) as { entity: { type: string; value: string }; name: string };
        assert.equal(r.name, vmName);
        assert.equal(await vAppProperty(`${r.entity.type}:${r.entity.value}`, 'ntp_servers'), c.prop?.['ntp_servers'] ?? row.ntpServers ?? 'pool.ntp.org', 'ovfkit import sent the values the plan shows');
        const destroyed = await runCli(['destroy', `${r.entity.type}:${r.entity.value}`], env);
        assert.equal(destroyed.code, 0, destroyed.stderr);
        await assertNothingLeft(sim, vmName);
      }
    });
  });

  it('plans a descriptor without its disk as "descriptor only" only when asked, and never imports it', async () => {
    const row = ROWS.find((r) => r.name === 'a disk file that is not beside the descriptor')!;
    const source = sources.get(row)!;
    const asked = await runCli(['plan', source, '--json', '--descriptor-only', ...cliFlags({})]);
    assert.equal(asked.code, 0, asked.stderr);
    const plan = JSON.parse(asked.stdout) as { ok: boolean; errors: Seen[]; package: unknown };
    assert.deepEqual([plan.ok, plan.errors], [true, []]);
    assert.deepEqual(plan.package, { form: 'descriptor-only', files: [{ href: DISK, path: '/Envelope/References/File[1]', line: 11, declaredBytes: 196608 }] });
    // The import has no such choice: the files are what it uploads.
    const env = { VSPHERE_SERVER: sim.url, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint };
    const imported = await runCli(['import', source, '--descriptor-only', '--name', 'conf-descriptor-only', '--json', ...cliFlags({})], env);
    assert.equal(imported.code, 2, imported.stdout + imported.stderr);
    await assertNothingLeft(sim, 'conf-descriptor-only');
  });

  it('has at least 25 refused and 10 good rows', () => {
    assert.ok(ROWS.filter((r) => r.errors.length > 0).length >= 25);
    assert.ok(ROWS.filter((r) => r.errors.length === 0).length >= 10);
  });
});

/** Adds a distributed port group of that name to the simulator's switch DVS0 (AddDVPortgroup_Task), and waits for it. */
async function addPortgroup(sim: Simulator, name: string): Promise<void> {
  const raw = new RawSession(sim);
  await raw.login();
  const dvs = await raw.findByInventoryPath('/DC0/network/DVS0');
  assert.ok(dvs, 'the simulator has /DC0/network/DVS0');
  const body = await raw.ok('AddDVPortgroup_Task', 'DistributedVirtualSwitch', dvs, `<spec><name>${xmlEscape(name)}</name><numPorts>8</numPorts><type>earlyBinding</type></spec>`);
  const task = firstText(body, 'returnval')!;
  for (let i = 0; i < 100; i++) {
    const state = await raw.property('Task', task, 'info.state');
    if (state?.includes('success')) return;
    assert.ok(!state?.includes('error'), `AddDVPortgroup_Task: ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('AddDVPortgroup_Task did not finish');
}
