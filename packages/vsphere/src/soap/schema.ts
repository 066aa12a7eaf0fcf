/**
 * The slice of the vim25 schema ovfkit speaks: for each data type, its base type and its own
 * fields in XSD sequence order, with array and polymorphism flags. The serializer needs the order
 * (servers do not accept another); the decoder needs the array flags (one `<x>` and a one-element
 * array look the same on the wire) and the primitive kinds. Fields not listed here still decode,
 * generically, so a newer server's additions are kept rather than rejected.
 *
 * Notation: `name:type`; `name[]` an array; a `~` before the type marks a polymorphic field whose
 * value always carries `xsi:type`. Types: string, int, long, boolean, dateTime, MoRef, anyType,
 * raw (kept as XML and sent back verbatim), or a type name below.
 * @see vim25-soap-wire.md §3; field orders from govmomi vim25/types/types.go
 */
const SOURCE: Record<string, { base?: string; fields: string }> = {
  DynamicData: { fields: '' },
  KeyValue: { base: 'DynamicData', fields: 'key:string value:string' },
  KeyAnyValue: { base: 'DynamicData', fields: 'key:string value:anyType' },
  LocalizableMessage: { base: 'DynamicData', fields: 'key:string arg[]:KeyAnyValue message:string' },
  LocalizedMethodFault: { base: 'DynamicData', fields: 'fault:~MethodFault localizedMessage:string' },
  MethodFault: { fields: 'faultCause:LocalizedMethodFault faultMessage[]:LocalizableMessage' },
  DynamicProperty: { fields: 'name:string val:anyType' },
  MissingProperty: { base: 'DynamicData', fields: 'path:string fault:LocalizedMethodFault' },

  AboutInfo: { base: 'DynamicData', fields: 'name:string fullName:string vendor:string version:string patchLevel:string build:string localeVersion:string localeBuild:string osType:string productLineId:string apiType:string apiVersion:string instanceUuid:string licenseProductName:string licenseProductVersion:string' },
  ServiceContent: { base: 'DynamicData', fields: 'rootFolder:MoRef propertyCollector:MoRef viewManager:MoRef about:AboutInfo setting:MoRef userDirectory:MoRef sessionManager:MoRef authorizationManager:MoRef serviceManager:MoRef perfManager:MoRef scheduledTaskManager:MoRef alarmManager:MoRef eventManager:MoRef taskManager:MoRef extensionManager:MoRef customizationSpecManager:MoRef guestCustomizationManager:MoRef customFieldsManager:MoRef accountManager:MoRef diagnosticManager:MoRef licenseManager:MoRef searchIndex:MoRef fileManager:MoRef datastoreNamespaceManager:MoRef virtualDiskManager:MoRef virtualizationManager:MoRef snmpSystem:MoRef vmProvisioningChecker:MoRef vmCompatibilityChecker:MoRef ovfManager:MoRef' },
  UserSession: { base: 'DynamicData', fields: 'key:string userName:string fullName:string loginTime:dateTime lastActiveTime:dateTime locale:string messageLocale:string extensionSession:boolean ipAddress:string userAgent:string callCount:long' },

  PropertyFilterSpec: { base: 'DynamicData', fields: 'propSet[]:PropertySpec objectSet[]:ObjectSpec reportMissingObjectsInResults:boolean' },
  PropertySpec: { base: 'DynamicData', fields: 'type:string all:boolean pathSet[]:string' },
  ObjectSpec: { base: 'DynamicData', fields: 'obj:MoRef skip:boolean selectSet[]:~SelectionSpec' },
  SelectionSpec: { base: 'DynamicData', fields: 'name:string' },
  TraversalSpec: { base: 'SelectionSpec', fields: 'type:string path:string skip:boolean selectSet[]:~SelectionSpec' },
  RetrieveOptions: { base: 'DynamicData', fields: 'maxObjects:int' },
  RetrieveResult: { base: 'DynamicData', fields: 'token:string objects[]:ObjectContent' },
  ObjectContent: { base: 'DynamicData', fields: 'obj:MoRef propSet[]:DynamicProperty missingSet[]:MissingProperty' },
  WaitOptions: { base: 'DynamicData', fields: 'maxWaitSeconds:int maxObjectUpdates:int' },
  UpdateSet: { base: 'DynamicData', fields: 'version:string filterSet[]:PropertyFilterUpdate truncated:boolean' },
  PropertyFilterUpdate: { base: 'DynamicData', fields: 'filter:MoRef objectSet[]:ObjectUpdate missingSet[]:MissingObject' },
  ObjectUpdate: { base: 'DynamicData', fields: 'kind:string obj:MoRef changeSet[]:PropertyChange missingSet[]:MissingProperty' },
  PropertyChange: { base: 'DynamicData', fields: 'name:string op:string val:anyType' },
  MissingObject: { base: 'DynamicData', fields: 'obj:MoRef fault:LocalizedMethodFault' },

  TaskInfo: { base: 'DynamicData', fields: 'key:string task:MoRef description:LocalizableMessage name:string descriptionId:string entity:MoRef entityName:string locked[]:MoRef state:string cancelled:boolean cancelable:boolean error:LocalizedMethodFault result:anyType progress:int reason:raw queueTime:dateTime startTime:dateTime completeTime:dateTime eventChainId:int changeTag:string parentTaskKey:string rootTaskKey:string activationId:string' },

  OvfManagerCommonParams: { base: 'DynamicData', fields: 'locale:string deploymentOption:string msgBundle[]:KeyValue importOption[]:string' },
  OvfParseDescriptorParams: { base: 'OvfManagerCommonParams', fields: '' },
  OvfValidateHostParams: { base: 'OvfManagerCommonParams', fields: '' },
  OvfNetworkMapping: { base: 'DynamicData', fields: 'name:string network:MoRef' },
  OvfCreateImportSpecParams: { base: 'OvfManagerCommonParams', fields: 'entityName:string hostSystem:MoRef networkMapping[]:OvfNetworkMapping ipAllocationPolicy:string ipProtocol:string propertyMapping[]:KeyValue resourceMapping[]:raw diskProvisioning:string instantiationOst:raw' },
  OvfFile: { base: 'DynamicData', fields: 'deviceId:string path:string compressionMethod:string chunkSize:long size:long capacity:long populatedSize:long' },
  OvfCreateDescriptorParams: { base: 'DynamicData', fields: 'ovfFiles[]:OvfFile name:string description:string includeImageFiles:boolean exportOption[]:string snapshot:MoRef' },

  OvfNetworkInfo: { base: 'DynamicData', fields: 'name:string description:string' },
  OvfDeploymentOption: { base: 'DynamicData', fields: 'key:string label:string description:string' },
  OvfOptionInfo: { base: 'DynamicData', fields: 'option:string description:LocalizableMessage' },
  VAppProductInfo: { base: 'DynamicData', fields: 'key:int classId:string instanceId:string name:string vendor:string version:string fullVersion:string vendorUrl:string productUrl:string appUrl:string' },
  VAppPropertyInfo: { base: 'DynamicData', fields: 'key:int classId:string instanceId:string id:string category:string label:string type:string typeReference:string userConfigurable:boolean defaultValue:string value:string description:string' },
  OvfParseDescriptorResult: { base: 'DynamicData', fields: 'eula[]:string network[]:OvfNetworkInfo ipAllocationScheme[]:string ipProtocols[]:string property[]:VAppPropertyInfo productInfo:VAppProductInfo annotation:string approximateDownloadSize:long approximateFlatDeploymentSize:long approximateSparseDeploymentSize:long defaultEntityName:string virtualApp:boolean deploymentOption[]:OvfDeploymentOption defaultDeploymentOption:string entityName[]:KeyValue annotatedOst:raw error[]:LocalizedMethodFault warning[]:LocalizedMethodFault' },
  OvfValidateHostResult: { base: 'DynamicData', fields: 'downloadSize:long flatDeploymentSize:long sparseDeploymentSize:long error[]:LocalizedMethodFault warning[]:LocalizedMethodFault supportedDiskProvisioning[]:string' },
  OvfFileItem: { base: 'DynamicData', fields: 'deviceId:string path:string compressionMethod:string chunkSize:long size:long cimType:int create:boolean' },
  OvfCreateImportSpecResult: { base: 'DynamicData', fields: 'importSpec:raw fileItem[]:OvfFileItem warning[]:LocalizedMethodFault error[]:LocalizedMethodFault' },
  OvfCreateDescriptorResult: { base: 'DynamicData', fields: 'ovfDescriptor:string error[]:LocalizedMethodFault warning[]:LocalizedMethodFault includeImageFiles:boolean' },

  HttpNfcLeaseDeviceUrl: { base: 'DynamicData', fields: 'key:string importKey:string url:string sslThumbprint:string sslCertificate:string disk:boolean targetId:string datastoreKey:string fileSize:long' },
  HttpNfcLeaseInfo: { base: 'DynamicData', fields: 'lease:MoRef entity:MoRef deviceUrl[]:HttpNfcLeaseDeviceUrl totalDiskCapacityInKB:long leaseTimeout:int hostMap[]:raw' },
  HttpNfcLeaseManifestEntry: { base: 'DynamicData', fields: 'key:string sha1:string checksum:string checksumType:string size:long disk:boolean capacity:long populatedSize:long' },

  VirtualMachineConfigSpec: { base: 'DynamicData', fields: 'changeVersion:string name:string version:string createDate:dateTime uuid:string instanceUuid:string npivNodeWorldWideName[]:long npivPortWorldWideName[]:long npivWorldWideNameType:string npivDesiredNodeWwns:int npivDesiredPortWwns:int npivTemporaryDisabled:boolean npivOnNonRdmDisks:boolean npivWorldWideNameOp:string locationId:string guestId:string alternateGuestName:string annotation:string extraConfig[]:~OptionValue vAppConfig:~VmConfigSpec' },
  OptionValue: { base: 'DynamicData', fields: 'key:string value:anyType' },
  ArrayUpdateSpec: { base: 'DynamicData', fields: 'operation:string removeKey:anyType' },
  VAppPropertySpec: { base: 'ArrayUpdateSpec', fields: 'info:VAppPropertyInfo' },
  VmConfigSpec: { base: 'DynamicData', fields: 'product[]:raw property[]:VAppPropertySpec ipAssignment:raw eula[]:string ovfSection[]:raw ovfEnvironmentTransport[]:string installBootRequired:boolean installBootStopDelay:int' },
  VAppConfigSpec: { base: 'VmConfigSpec', fields: 'entityConfig[]:raw annotation:string instanceUuid:string managedBy:raw' },

  // Faults whose own fields are not all strings. Others decode generically (strings, with `_typeName`).
  OvfInvalidPackage: { base: 'MethodFault', fields: 'lineNumber:int' },
  OvfUnsupportedPackage: { base: 'MethodFault', fields: 'lineNumber:int' },
  OvfUnsupportedType: { base: 'OvfUnsupportedPackage', fields: 'name:string instanceId:string deviceType:int' },
  OvfUnsupportedSubType: { base: 'OvfUnsupportedPackage', fields: 'elementName:string instanceId:string deviceType:int deviceSubType:string' },
  OvfMissingHardware: { base: 'MethodFault', fields: 'name:string resourceType:int' },
  OvfUnknownEntity: { base: 'MethodFault', fields: 'lineNumber:int' },
  NoPermission: { base: 'MethodFault', fields: 'object:MoRef privilegeId:string missingPrivileges[]:raw' },
  NotAuthenticated: { base: 'NoPermission', fields: '' },
  ManagedObjectNotFound: { base: 'MethodFault', fields: 'obj:MoRef' },
  TaskInProgress: { base: 'MethodFault', fields: 'task:MoRef' },
  DuplicateName: { base: 'MethodFault', fields: 'name:string object:MoRef' },
  SystemError: { base: 'MethodFault', fields: 'reason:string' },

  VirtualMachineConfigOptionDescriptor: { base: 'DynamicData', fields: 'key:string description:string host[]:MoRef createSupported:boolean defaultConfigOption:boolean runSupported:boolean upgradeSupported:boolean' },
  EnvironmentBrowserConfigOptionQuerySpec: { base: 'DynamicData', fields: 'key:string host:MoRef guestId[]:string' },
  VirtualMachineConfigOption: { base: 'DynamicData', fields: 'version:string description:string guestOSDescriptor[]:GuestOsDescriptor guestOSDefaultIndex:int hardwareOptions:VirtualHardwareOption capabilities:raw datastore:raw defaultDevice[]:raw supportedMonitorType[]:string supportedOvfEnvironmentTransport[]:string supportedOvfInstallTransport[]:string propertyRelations[]:raw' },
  // Decoded only (never sent): fields ovfkit reads for host-profile capture, in wire order;
  // the many others decode generically.
  GuestOsDescriptor: { base: 'DynamicData', fields: 'id:string family:string fullName:string supportedMaxCPUs:int numSupportedPhysicalSockets:int numSupportedCoresPerSocket:int supportedMinMemMB:int supportedMaxMemMB:int recommendedMemMB:int recommendedColorDepth:int supportedDiskControllerList[]:string supportedEthernetCard[]:string supportedFirmware[]:string recommendedFirmware:string supportedUSBControllerList[]:string supportedForCreate:boolean supportsSecureBoot:boolean defaultSecureBoot:boolean' },
  OptionType: { base: 'DynamicData', fields: 'valueIsReadonly:boolean' },
  IntOption: { base: 'OptionType', fields: 'min:int max:int defaultValue:int' },
  LongOption: { base: 'OptionType', fields: 'min:long max:long defaultValue:long' },
  BoolOption: { base: 'OptionType', fields: 'supported:boolean defaultValue:boolean' },
  VirtualHardwareOption: { base: 'DynamicData', fields: 'hwVersion:int virtualDeviceOption[]:~VirtualDeviceOption deviceListReadonly:boolean numCPU[]:int numCoresPerSocket:IntOption numCpuReadonly:boolean memoryMB:LongOption numPCIControllers:IntOption numIDEControllers:IntOption numUSBControllers:IntOption numUSBXHCIControllers:IntOption numSIOControllers:IntOption numPS2Controllers:IntOption licensingLimit[]:string numSupportedWwnPorts:IntOption numSupportedWwnNodes:IntOption resourceConfigOption:raw numNVDIMMControllers:IntOption numTPMDevices:IntOption numWDTDevices:IntOption numPrecisionClockDevices:IntOption epcMemoryMB:LongOption' },
  VirtualDeviceOption: { base: 'DynamicData', fields: 'type:string connectOption:raw busSlotOption:raw controllerType:string autoAssignController:BoolOption backingOption[]:raw defaultBackingOptionIndex:int licensingLimit[]:string deprecated:boolean plugAndPlay:boolean hotRemoveSupported:boolean' },
  VirtualControllerOption: { base: 'VirtualDeviceOption', fields: 'devices:IntOption supportedDevice[]:string' },
  VirtualPCIControllerOption: { base: 'VirtualControllerOption', fields: 'numSCSIControllers:IntOption numEthernetCards:IntOption numVideoCards:IntOption numSoundCards:IntOption numVmiRoms:IntOption numVmciDevices:IntOption numPCIPassthroughDevices:IntOption numSasSCSIControllers:IntOption numVmxnet3EthernetCards:IntOption numParaVirtualSCSIControllers:IntOption numSATAControllers:IntOption numNVMEControllers:IntOption numVmxnet3VrdmaEthernetCards:IntOption' },
  VirtualSIOControllerOption: { base: 'VirtualControllerOption', fields: 'numFloppyDrives:IntOption numSerialPorts:IntOption numParallelPorts:IntOption' },
  ConfigTarget: { base: 'DynamicData', fields: 'numCpus:int numCpuCores:int numNumaNodes:int maxCpusPerHost:int smcPresent:boolean datastore[]:raw network[]:raw opaqueNetwork[]:raw distributedVirtualPortgroup[]:raw distributedVirtualSwitch[]:raw cdRom[]:raw serial[]:raw parallel[]:raw sound[]:raw usb[]:raw floppy[]:raw legacyNetworkInfo[]:raw scsiPassthrough[]:raw scsiDisk[]:raw ideDisk[]:raw maxMemMBOptimalPerf:int supportedMaxMemMB:int' },
  DatastoreSummary: { base: 'DynamicData', fields: 'datastore:MoRef name:string url:string capacity:long freeSpace:long uncommitted:long accessible:boolean multipleHostAccess:boolean type:string maintenanceMode:string' },
};

// The OVF fault families share an int `lineNumber`: register every subclass under its family so
// the decoder types it as a number. Their own fields are strings, which decode generically.
// Device option classes ovfkit reads only `type` of: typed by their family so the rest decodes.
for (const [family, members] of Object.entries({
  VirtualDeviceOption: 'VirtualCdromOption VirtualDiskOption VirtualE1000Option VirtualE1000eOption VirtualEnsoniq1371Option VirtualEthernetCardOption VirtualFloppyOption VirtualHdAudioCardOption VirtualKeyboardOption VirtualNVDIMMOption VirtualPCNet32Option VirtualPCIPassthroughOption VirtualParallelPortOption VirtualPointingDeviceOption VirtualPrecisionClockOption VirtualSCSIPassthroughOption VirtualSerialPortOption VirtualSoundBlaster16Option VirtualSoundCardOption VirtualSriovEthernetCardOption VirtualTPMOption VirtualUSBOption VirtualVMIROMOption VirtualVideoCardOption VirtualVmxnet2Option VirtualVmxnet3Option VirtualVmxnet3VrdmaOption VirtualVmxnetOption VirtualWDTOption VirtualMachineVMCIDeviceOption',
  VirtualControllerOption: 'VirtualIDEControllerOption VirtualSCSIControllerOption VirtualBusLogicControllerOption VirtualLsiLogicControllerOption VirtualLsiLogicSASControllerOption ParaVirtualSCSIControllerOption VirtualSATAControllerOption VirtualAHCIControllerOption VirtualNVMEControllerOption VirtualUSBControllerOption VirtualUSBXHCIControllerOption VirtualPS2ControllerOption VirtualNVDIMMControllerOption',
})) {
  for (const m of members.split(' ')) SOURCE[m] ??= { base: family, fields: '' };
}

for (const [family, members] of Object.entries({
  OvfInvalidPackage: 'OvfXmlFormat OvfWrongNamespace OvfAttribute OvfMissingAttribute OvfInvalidValue OvfInvalidValueConfiguration OvfInvalidValueEmpty OvfInvalidValueFormatMalformed OvfInvalidValueReference OvfElement OvfMissingElement OvfMissingElementNormalBoundary OvfDuplicateElement OvfDuplicatedElementBoundary OvfElementInvalidValue OvfUnexpectedElement OvfWrongElement OvfProperty OvfPropertyType OvfPropertyValue OvfPropertyNetwork OvfPropertyQualifier OvfPropertyQualifierDuplicate OvfPropertyQualifierIgnored OvfConstraint OvfDiskOrderConstraint OvfHostResourceConstraint',
  OvfUnsupportedPackage: 'OvfUnsupportedElement OvfUnsupportedElementValue OvfUnsupportedSection OvfNoSpaceOnController OvfUnsupportedAttribute OvfUnsupportedAttributeValue OvfInvalidVmName OvfNoHostNic OvfNoSupportedHardwareFamily',
})) {
  for (const m of members.split(' ')) SOURCE[m] ??= { base: family, fields: '' };
}

/** Primitive wire kinds. */
export type Primitive = 'string' | 'int' | 'long' | 'boolean' | 'dateTime';

export interface FieldDef {
  name: string;
  type: string;
  array: boolean;
  /** Always send `xsi:type`: the declared type is a base or `xsd:anyType`. */
  poly: boolean;
}

export interface TypeDef {
  name: string;
  base: string | undefined;
  /** Every field, base-type fields first, in wire order. */
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
}

export const PRIMITIVES: ReadonlySet<string> = new Set(['string', 'int', 'long', 'boolean', 'dateTime', 'short', 'byte', 'double', 'float', 'base64Binary']);

const cache = new Map<string, TypeDef>();

/** The definition of a vim25 data type, or undefined when ovfkit does not model it. */
export function typeDef(name: string): TypeDef | undefined {
  const hit = cache.get(name);
  if (hit) return hit;
  const src = SOURCE[name];
  if (!src) return undefined;
  const inherited = src.base ? (typeDef(src.base)?.fields ?? []) : [];
  const own: FieldDef[] = src.fields
    .split(/\s+/)
    .filter(Boolean)
    .map((spec) => {
      const [rawName, rawType] = spec.split(':') as [string, string];
      const array = rawName.endsWith('[]');
      const poly = rawType.startsWith('~');
      return { name: array ? rawName.slice(0, -2) : rawName, type: poly ? rawType.slice(1) : rawType, array, poly };
    });
  const fields = [...inherited, ...own];
  const def: TypeDef = { name, base: src.base, fields, byName: new Map(fields.map((f) => [f.name, f])) };
  cache.set(name, def);
  return def;
}

/** True when `type` is `ancestor` or derives from it (by the table above). */
export function isSubtype(type: string, ancestor: string): boolean {
  for (let t: string | undefined = type; t; t = SOURCE[t]?.base) if (t === ancestor) return true;
  return false;
}
