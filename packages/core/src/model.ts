/**
 * The typed OVF model (DMTF DSP0243 1.x / 2.x, tolerant of 0.9 and the oVirt dialect), as read by
 * `readEnvelope`. Names follow DSP0243; values the spec keeps as text stay strings (RASD/VSSD
 * fields, property values); sizes are resolved to bytes (`capacityBytes`); every repeatable
 * element is a list; every element keeps its source position and path for error reporting.
 * The model is plain data (no methods), immutable by convention (readonly).
 *
 * @see DSP0243 §7–§9, ovf-spec-notes.md §3–§12
 */

/** Where an element starts in the descriptor (1-based). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** What every model element carries: its position and a human path for error messages. */
export interface Located {
  readonly pos: SourcePosition;
  /** e.g. `/Envelope/VirtualSystem[@ovf:id="vm"]/VirtualHardwareSection/Item[3]` */
  readonly path: string;
}

/** `Msg_Type`: text with an optional `ovf:msgid` into the StringsSection bundles. @see DSP0243 §10 */
export interface Msg {
  readonly text: string;
  readonly msgid?: string;
}

/** The OVF dialect, decided by the root element's namespace. */
export type OvfVersion = '0.9' | '1.x' | '2.x';

/** @see DSP0243 §7 Envelope */
export interface Envelope extends Located {
  readonly ovfVersion: OvfVersion;
  /** Namespace URI of the root element. */
  readonly namespaceURI: string;
  /** `ovf:version` attribute, if any (informational). */
  readonly version?: string;
  /** `xml:lang` of the envelope (default language of Msg texts). */
  readonly lang?: string;
  /** `References` (exactly one in a valid descriptor; absent when missing). */
  readonly references?: References;
  readonly diskSection?: DiskSection;
  /** OVF 2.x SharedDiskSection disks. */
  readonly sharedDiskSection?: DiskSection;
  readonly networkSection?: NetworkSection;
  readonly deploymentOptionSection?: DeploymentOptionSection;
  /** vmw:IpAssignmentSection (may also appear inside the Content; the envelope-level one wins). */
  readonly ipAssignmentSection?: IpAssignmentSection;
  /** Envelope-level sections ovfkit does not model (kept for `ovf:required` handling). */
  readonly otherSection: readonly OtherSection[];
  /** The one VirtualSystem or VirtualSystemCollection ("Content"). */
  readonly content?: Content;
  /** `Strings` localisation bundles. */
  readonly strings: readonly StringsSection[];
}

/** @see DSP0243 §7.1 References */
export interface References extends Located {
  readonly file: readonly File[];
}

/** @see DSP0243 §7.1 File */
export interface File extends Located {
  readonly id: string;
  readonly href: string;
  /** `ovf:size` in bytes when it is a valid safe integer. */
  readonly size?: number;
  /** `ovf:size` as written. */
  readonly sizeText?: string;
  readonly compression?: string;
  readonly chunkSize?: number;
  readonly chunkSizeText?: string;
}

/** Common to every Section. @see DSP0243 §9 */
export interface SectionBase extends Located {
  /** `ovf:required`, default true. */
  readonly required: boolean;
  readonly info?: Msg;
}

/** @see DSP0243 §9.1 DiskSection */
export interface DiskSection extends SectionBase {
  readonly disk: readonly Disk[];
}

/** @see DSP0243 §9.1 Disk */
export interface Disk extends Located {
  readonly diskId: string;
  /** The File holding the disk; absent when `ovf:fileRef` is missing or empty (a blank disk, created at import). */
  readonly fileRef?: string;
  /** `ovf:capacity` as written: an integer or `${propertyKey}`. */
  readonly capacity: string;
  /** `ovf:capacityAllocationUnits` as written (default `byte`). */
  readonly capacityAllocationUnits?: string;
  /** Capacity in bytes, when both value and units resolve to a safe integer. */
  readonly capacityBytes?: number;
  /** Property key when `ovf:capacity` is `${key}`. */
  readonly capacityPropertyRef?: string;
  readonly format?: string;
  /** `ovf:populatedSize` as written. */
  readonly populatedSizeText?: string;
  /** `ovf:populatedSize` in bytes. */
  readonly populatedSize?: number;
  readonly parentRef?: string;
}

/** @see DSP0243 §9.2 NetworkSection */
export interface NetworkSection extends SectionBase {
  readonly network: readonly Network[];
}

/** @see DSP0243 §9.2 Network */
export interface Network extends Located {
  readonly name: string;
  readonly description?: Msg;
}

/** @see DSP0243 §9.8 DeploymentOptionSection */
export interface DeploymentOptionSection extends SectionBase {
  readonly configuration: readonly Configuration[];
}

/** @see DSP0243 §9.8 Configuration */
export interface Configuration extends Located {
  readonly id: string;
  /** `ovf:default="true"`. */
  readonly default: boolean;
  readonly label?: Msg;
  readonly description?: Msg;
}

/** vmw:IpAssignmentSection (vSphere). */
export interface IpAssignmentSection extends SectionBase {
  /** `vmw:schemes`, split on commas/spaces. */
  readonly schemes: readonly string[];
  /** `vmw:protocols`, split on commas/spaces. */
  readonly protocols: readonly string[];
}

/** A section ovfkit does not interpret. */
export interface OtherSection extends SectionBase {
  readonly namespaceURI: string;
  readonly localName: string;
  /** `xsi:type` of a 0.9-style `<Section xsi:type="…">`, if any. */
  readonly xsiType?: string;
}

/** `VirtualSystem` or `VirtualSystemCollection`. @see DSP0243 §8 */
export type Content = VirtualSystem | VirtualSystemCollection;

/** Sections common to VirtualSystem and VirtualSystemCollection. */
interface ContentBase extends Located {
  /** `ovf:id` (required; "" when missing). */
  readonly id: string;
  readonly info?: Msg;
  readonly name?: Msg;
  readonly productSection: readonly ProductSection[];
  readonly eulaSection: readonly EulaSection[];
  readonly annotationSection?: AnnotationSection;
  readonly ipAssignmentSection?: IpAssignmentSection;
  readonly otherSection: readonly OtherSection[];
}

/** @see DSP0243 §8 VirtualSystem */
export interface VirtualSystem extends ContentBase {
  readonly kind: 'VirtualSystem';
  readonly operatingSystemSection?: OperatingSystemSection;
  readonly installSection?: InstallSection;
  readonly virtualHardwareSection: readonly VirtualHardwareSection[];
}

/** @see DSP0243 §8 VirtualSystemCollection */
export interface VirtualSystemCollection extends ContentBase {
  readonly kind: 'VirtualSystemCollection';
  readonly resourceAllocationSection?: ResourceAllocationSection;
  readonly startupSection?: StartupSection;
  readonly content: readonly Content[];
}

/** @see DSP0243 §9.5 ProductSection */
export interface ProductSection extends SectionBase {
  readonly class?: string;
  readonly instance?: string;
  readonly product?: Msg;
  readonly vendor?: Msg;
  readonly version?: string;
  readonly fullVersion?: string;
  readonly productUrl?: string;
  readonly vendorUrl?: string;
  readonly appUrl?: string;
  readonly icon: readonly Icon[];
  readonly category: readonly Category[];
  readonly property: readonly Property[];
}

/** @see DSP0243 §9.5 Icon */
export interface Icon extends Located {
  readonly fileRef: string;
  readonly height?: string;
  readonly width?: string;
  readonly mimeType?: string;
}

/** @see DSP0243 §9.5 Category (groups the properties that follow it). */
export interface Category extends Located {
  readonly text: Msg;
}

/** @see DSP0243 §9.5 Property */
export interface Property extends Located {
  readonly key: string;
  /** `ovf:type` (CIM type name: string, boolean, uint8…sint64, real32/64). */
  readonly type: string;
  /** `ovf:value` (default value), when present. */
  readonly value?: string;
  /** `ovf:qualifiers` as written. */
  readonly qualifiers?: string;
  readonly userConfigurable: boolean;
  /** `ovf:password="true"` (or legacy `ovf:isPassword`). */
  readonly password: boolean;
  readonly required: boolean;
  readonly label?: Msg;
  readonly description?: Msg;
  /** Text of the Category element preceding this property, if any. */
  readonly category?: Msg;
  /** Per-configuration `Value` children. */
  readonly values: readonly PropertyConfigurationValue[];
  /** `ovf:configuration` on the Property itself (empty = all configurations). */
  readonly configuration: readonly string[];
}

/** `<Value ovf:value="…" ovf:configuration="…"/>` inside a Property. */
export interface PropertyConfigurationValue extends Located {
  readonly value: string;
  readonly configuration: readonly string[];
}

/** @see DSP0243 §9.6 EulaSection */
export interface EulaSection extends SectionBase {
  readonly license?: Msg;
}

/** @see DSP0243 §9.3 AnnotationSection */
export interface AnnotationSection extends SectionBase {
  readonly annotation?: Msg;
}

/** @see DSP0243 §9.7 OperatingSystemSection */
export interface OperatingSystemSection extends SectionBase {
  /** `ovf:id`: CIM OsType (as written). */
  readonly id: string;
  readonly version?: string;
  /** `vmw:osType` (vSphere guestId). */
  readonly osType?: string;
  readonly description?: Msg;
}

/** @see DSP0243 §9.9 InstallSection */
export interface InstallSection extends SectionBase {
  /** `ovf:initialBootStopDelay` seconds (as written; default "0"). */
  readonly initialBootStopDelay: string;
}

/** @see DSP0243 §9.10 ResourceAllocationSection */
export interface ResourceAllocationSection extends SectionBase {
  readonly item: readonly Item[];
}

/** @see DSP0243 §9.11 StartupSection */
export interface StartupSection extends SectionBase {
  readonly item: readonly StartupItem[];
}

/** StartupSection `Item` (attributes kept as written). */
export interface StartupItem extends Located {
  readonly id: string;
  readonly order: string;
  readonly startDelay?: string;
  readonly waitingForGuest?: string;
  readonly stopDelay?: string;
  readonly startAction?: string;
  readonly stopAction?: string;
}

/** @see DSP0243 §9.4 VirtualHardwareSection */
export interface VirtualHardwareSection extends SectionBase {
  readonly id?: string;
  /** `ovf:transport`, split on spaces/commas. */
  readonly transport: readonly string[];
  readonly system?: System;
  /** `Item`, `StorageItem` and `EthernetPortItem`, in document order. */
  readonly item: readonly Item[];
  /** `vmw:Config` at section level. */
  readonly config: readonly VmwConfig[];
  /** `vmw:ExtraConfig`. */
  readonly extraConfig: readonly VmwConfig[];
}

/** VSSD `System`. @see CIM_VirtualSystemSettingData */
export interface System extends Located {
  readonly elementName?: string;
  readonly instanceID?: string;
  readonly virtualSystemIdentifier?: string;
  /** `vssd:VirtualSystemType` split on whitespace/commas (`vmx-13`, `xen-3`). */
  readonly virtualSystemType: readonly string[];
}

/**
 * A RASD `Item` (or 2.x `StorageItem` / `EthernetPortItem`). Values are the element texts.
 * @see CIM_ResourceAllocationSettingData, DSP0243 §9.4
 */
export interface Item extends Located {
  readonly kind: 'Item' | 'StorageItem' | 'EthernetPortItem';
  /** `ovf:required` (default true). */
  readonly required: boolean;
  /** `ovf:configuration` ids (empty = all configurations). */
  readonly configuration: readonly string[];
  /** `ovf:bound`: `min` | `max` | `normal` (as written). */
  readonly bound?: string;
  readonly address?: string;
  readonly addressOnParent?: string;
  readonly allocationUnits?: string;
  readonly automaticAllocation?: string;
  readonly caption?: string;
  readonly connection: readonly string[];
  readonly description?: string;
  readonly elementName?: string;
  readonly hostResource: readonly string[];
  readonly instanceID?: string;
  readonly limit?: string;
  readonly otherResourceType?: string;
  readonly parent?: string;
  readonly reservation?: string;
  readonly resourceSubType?: string;
  readonly resourceType?: string;
  readonly virtualQuantity?: string;
  readonly virtualQuantityUnits?: string;
  readonly weight?: string;
  /** `vmw:CoresPerSocket`. */
  readonly coresPerSocket?: string;
  /** `vmw:Config` on the device. */
  readonly config: readonly VmwConfig[];
}

/** `vmw:Config` / `vmw:ExtraConfig`. */
export interface VmwConfig extends Located {
  readonly key: string;
  readonly value: string;
  readonly required: boolean;
}

/** `Strings` bundle. @see DSP0243 §10 */
export interface StringsSection extends Located {
  /** `xml:lang`. */
  readonly lang: string;
  /** `ovf:fileRef` of an external bundle. */
  readonly fileRef?: string;
  /** msgid → text. */
  readonly msg: ReadonlyMap<string, string>;
}
