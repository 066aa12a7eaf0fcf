/**
 * How an issue reads, once for every front end: the words each front end uses for the choices a
 * fix names (a CLI flag, a Pulumi or CDKTF input, a Terraform attribute, the vim25 parameter),
 * and the one formatter that turns an {@link OvfIssue} into text. Fixes are written in the words
 * of the front end that asked, where the issue is made (the plan's `vocabulary`); the formatter
 * only lays the fields out.
 * @see STYLE.md §3, §4 (user-facing text in one place)
 */
import type { OvfIssue } from './faults';
import { escapeControls } from './terminal-text';

/** Whose words an issue's fix uses: the CLI's flags, Pulumi's / CDKTF's inputs, the Terraform provider's attributes, or the vim25 names. @default 'api' */
export type Vocabulary = 'cli' | 'pulumi' | 'cdktf' | 'terraform' | 'api';

/** How one front end names the choices a fix can point to. */
export interface Words {
  /** A value for a property, by its full id. */
  property(id: string): string;
  /** Accepting the EULAs. */
  acceptEulas: string;
  /** Choosing a deployment option. */
  deploymentOption(id: string): string;
  /** Mapping an OVF network to a target network. */
  networkMapping(ovfNetwork: string): string;
  /** Choosing the disk provisioning (`kind` a DiskProvisioningType, or a placeholder). */
  diskProvisioning(kind: string): string;
  /** Naming the imported entity. */
  entityName: string;
  /** Where the package's properties and EULA texts are listed. */
  descriptorListing: string;
  /** The signature policy set to a value. */
  signature(policy: string): string;
  /** The trusted CA certificates a signer must chain to. */
  trustedCertificates: string;
  /** The manifest policy set to a value (require, verify-if-present, skip). */
  manifestPolicy(policy: string): string;
  /** A setting of the vSphere connection (@ovfkit/vsphere's connect refuses a bad one in these words). */
  connection(setting: ConnectionSetting): string;
  /** What to do when the server's certificate is not trusted: the ways this front end offers to trust it. */
  untrustedServer: string;
  /** Naming an export (`ovf:id` and the base name of its files). */
  exportName: string;
  /** Having vCenter pull a package's files from their URLs when publishing to a content library. */
  libraryPull: string;
  /** Choosing the datacenter of a placement. */
  datacenter: string;
  /** Choosing the host of a placement (or of a host-profile capture). */
  host: string;
  /** Choosing the datastore of a placement. */
  datastore: string;
}

/** The settings of a vSphere connection a message can name. */
export type ConnectionSetting = 'server' | 'user' | 'password' | 'thumbprint' | 'ca' | 'insecure' | 'timeout';

/** `ovfkit`'s flags, and the environment the CLI reads when a flag is absent. */
const CLI_CONNECTION: Record<ConnectionSetting, string> = {
  server: '--server (or VSPHERE_SERVER)', user: '--user (or VSPHERE_USER)', password: '--password (or VSPHERE_PASSWORD)',
  thumbprint: '--thumbprint', ca: '--ca', insecure: '--insecure', timeout: '--timeout',
};

/** A resource's `connection` input, or the provider's `ovfkit:*` stack config (connection.ts). */
const PULUMI_CONNECTION = (s: ConnectionSetting): string =>
  s === 'ca' ? 'a CA (the Pulumi provider takes none: pin connection.thumbprint)' : s === 'timeout' ? 'the request timeout, which Pulumi does not let you set' : `connection.${s} (or ovfkit:${s})`;

/** The `ovfkit` provider block's attributes (terraform provider schema.ts); CDKTF's OvfkitProvider has the same. */
const TERRAFORM_CONNECTION = (s: ConnectionSetting): string => (s === 'timeout' ? 'the request timeout, which the provider does not let you set' : `the provider's ${s} = …`);

/** The provider block's ways to trust a server (Terraform, and CDKTF's OvfkitProvider). */
const TERRAFORM_UNTRUSTED = 'set the provider\'s thumbprint = "<sha256>" to pin it, ca = "<PEM>", or insecure = true';

const cliArg = (s: string): string => (/[\s"'\\$`<>]/.test(s) ? JSON.stringify(s) : s);

/** Pulumi and CDKTF share the resource inputs' names. */
const INPUTS: Words = {
  property: (id) => `propertyMapping: { ${JSON.stringify(id)}: "…" }`,
  acceptEulas: 'acceptAllEulas: true',
  deploymentOption: (id) => `deploymentOption: ${JSON.stringify(id)}`,
  networkMapping: (n) => `networkMapping: { ${JSON.stringify(n)}: "<network>" }`,
  diskProvisioning: (kind) => `diskProvisioning: ${JSON.stringify(kind)}`,
  entityName: 'name',
  descriptorListing: 'getOvfDescriptor(source)',
  signature: (p) => `signature: ${JSON.stringify(p)}`,
  trustedCertificates: 'trustedCertificates: ["<CA PEM>"]',
  manifestPolicy: (p) => `manifestPolicy: ${JSON.stringify(p)}`,
  connection: PULUMI_CONNECTION,
  untrustedServer: 'set connection.thumbprint (or ovfkit:thumbprint) to its SHA-256 fingerprint to pin it, or connection.insecure (or ovfkit:insecure) to skip the check; the Pulumi provider takes no CA',
  exportName: 'name',
  libraryPull: 'pull: true',
  datacenter: 'datacenter: "<datacenter>"',
  host: 'host: "<host>"',
  datastore: 'datastore: "<datastore>"',
};

const WORDS: Record<Vocabulary, Words> = {
  cli: {
    property: (id) => `--prop ${cliArg(`${id}=…`)}`,
    acceptEulas: '--accept-all-eulas',
    deploymentOption: (id) => `--deployment-option ${cliArg(id)}`,
    networkMapping: (n) => `--net ${JSON.stringify(`${n}=<network>`)}`,
    diskProvisioning: (kind) => `--disk-provisioning ${kind}`,
    entityName: '--name',
    descriptorListing: 'ovfkit parse',
    signature: (p) => `--signature ${p}`,
    trustedCertificates: '--trust <ca.pem>',
    manifestPolicy: (p) => `--manifest ${p}`,
    connection: (s) => CLI_CONNECTION[s],
    untrustedServer: 'pass --thumbprint <sha256> to pin it, --ca <file>, or --insecure',
    exportName: '--name',
    libraryPull: '--pull',
    datacenter: '--datacenter',
    host: '--host',
    datastore: '--datastore',
  },
  pulumi: INPUTS,
  cdktf: { ...INPUTS, descriptorListing: 'the OvfDescriptor construct', connection: TERRAFORM_CONNECTION, untrustedServer: TERRAFORM_UNTRUSTED, libraryPull: 'a pull (OvfLibraryItem offers none: its provisioner pushes each file)' },
  terraform: {
    property: (id) => `property_mapping = { ${JSON.stringify(id)} = "…" }`,
    acceptEulas: 'accept_all_eulas = true',
    deploymentOption: (id) => `deployment_option = ${JSON.stringify(id)}`,
    networkMapping: (n) => `network_mapping = { ${JSON.stringify(n)} = "<network>" }`,
    diskProvisioning: (kind) => `disk_provisioning = ${JSON.stringify(kind)}`,
    entityName: 'name',
    descriptorListing: 'the ovfkit_descriptor data source',
    signature: (p) => `signature = ${JSON.stringify(p)}`,
    trustedCertificates: 'trusted_certificates = ["<CA PEM>"]',
    manifestPolicy: (p) => `manifest_policy = ${JSON.stringify(p)}`,
    connection: TERRAFORM_CONNECTION,
    untrustedServer: TERRAFORM_UNTRUSTED,
    exportName: 'name',
    libraryPull: 'a pull (the provider publishes no library items)',
    datacenter: 'datacenter = "<datacenter>"',
    host: 'host = "<host>"',
    datastore: 'datastore = "<datastore>"',
  },
  api: {
    property: (id) => `propertyMapping key ${JSON.stringify(id)}`,
    acceptEulas: 'importOption "acceptAllEulas"',
    deploymentOption: (id) => `deploymentOption ${JSON.stringify(id)}`,
    networkMapping: (n) => `networkMapping name ${JSON.stringify(n)}`,
    diskProvisioning: (kind) => `diskProvisioning ${JSON.stringify(kind)}`,
    entityName: 'entityName',
    descriptorListing: 'ParseDescriptor',
    signature: (p) => `the signature policy ${JSON.stringify(p)}`,
    trustedCertificates: 'trusted CA certificates',
    manifestPolicy: (p) => `the manifest policy ${JSON.stringify(p)}`,
    connection: (s) => `ConnectOptions.${s === 'user' ? 'userName' : s === 'timeout' ? 'timeoutMs' : s}`,
    untrustedServer: 'set ConnectOptions.thumbprint (SHA-256) to pin it, ConnectOptions.ca, or ConnectOptions.insecure',
    exportName: 'OvfCreateDescriptorParams name',
    libraryPull: 'PublishOptions.pull',
    datacenter: 'datacenter',
    host: 'hostSystem',
    datastore: 'datastore',
  },
};

/** The words of one front end. */
export function wordsOf(vocabulary: Vocabulary = 'api'): Words {
  return WORDS[vocabulary];
}

/** What a formatted issue adds to its message. */
export interface IssueTextOptions {
  /** What it was checked against (`host profile esxi-8.0`), shown at the end. */
  against?: string;
}

/**
 * The parts of an issue after its message, each a short clause: where, the value seen and what is
 * allowed (unless the message says them already), the fix, what it was checked against, and
 * the tag `[call: FaultType CODE]`.
 */
export function issueDetails(i: OvfIssue & { source?: string }, options: IssueTextOptions = {}): string[] {
  const message = i.localizedMessage;
  const out: string[] = [];
  if (i.path) out.push(`at ${i.path}${i.line ? ` (line ${i.line})` : ''}`);
  else if (i.line) out.push(`at line ${i.line}`);
  if (i.value !== undefined && i.value !== '' && !message.includes(i.value)) out.push(`seen ${JSON.stringify(i.value)}`);
  if (i.allowed !== undefined && !message.includes(i.allowed)) out.push(`allowed: ${i.allowed}`);
  if (i.fix) out.push(`fix: ${i.fix}`);
  if (options.against) out.push(`checked against ${options.against}`);
  return out;
}

/** The tag that ends a formatted issue: the call that reported it, the vim25 fault type and the stable code. */
export function issueTag(i: OvfIssue & { source?: string }): string {
  return `[${i.source ? `${i.source}: ` : ''}${i.fault._typeName} ${i.code}]`;
}

/**
 * The one text of an issue, on one line with its controls escaped (a descriptor's values can be
 * hostile): `message; at path (line n); seen "v"; allowed: …; fix: …; checked against … [call: FaultType CODE]`.
 * @example formatIssue(plan.errors[0]) // 'The package has 1 EULA that must be accepted before import; allowed: --accept-all-eulas; fix: … [plan: OvfImportFailed EULA_NOT_ACCEPTED]'
 */
export function formatIssue(i: OvfIssue & { source?: string }, options: IssueTextOptions = {}): string {
  return escapeControls([i.localizedMessage, ...issueDetails(i, options)].join('; ') + ` ${issueTag(i)}`, 'line');
}
