// https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ImportConfig extends cdktf.TerraformMetaArguments {
  /**
  * Accept the package's EULAs (required when it has any).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#accept_all_eulas Import#accept_all_eulas}
  */
  readonly acceptAllEulas?: boolean | cdktf.IResolvable;
  /**
  * Annotation; changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#annotation Import#annotation}
  */
  readonly annotation?: string;
  /**
  * Cluster (name or inventory path): its root pool when resource_pool and vapp are not given.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#cluster Import#cluster}
  */
  readonly cluster?: string;
  /**
  * Datacenter (inventory path or name).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#datacenter Import#datacenter}
  */
  readonly datacenter?: string;
  /**
  * Datastore.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#datastore Import#datastore}
  */
  readonly datastore?: string;
  /**
  * Configuration/@ovf:id. Default: the descriptor's default.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#deployment_option Import#deployment_option}
  */
  readonly deploymentOption?: string;
  /**
  * thin, thick, eagerZeroedThick, … Default: the descriptor's / thick.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#disk_provisioning Import#disk_provisioning}
  */
  readonly diskProvisioning?: string;
  /**
  * VM folder.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#folder Import#folder}
  */
  readonly folder?: string;
  /**
  * Target host.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#host Import#host}
  */
  readonly host?: string;
  /**
  * ipAllocationPolicy: dhcpPolicy, transientPolicy, fixedPolicy or fixedAllocatedPolicy (judged against the package's vmw:IpAssignmentSection).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#ip_allocation_policy Import#ip_allocation_policy}
  */
  readonly ipAllocationPolicy?: string;
  /**
  * ipProtocol: IPv4 or IPv6 (judged against the package's vmw:IpAssignmentSection protocols).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#ip_protocol Import#ip_protocol}
  */
  readonly ipProtocol?: string;
  /**
  * Locale of the descriptor's string bundles. Default: the text written in the descriptor.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#locale Import#locale}
  */
  readonly locale?: string;
  /**
  * How the import uses the package manifest: require, verify-if-present (default) or skip. How the bytes are checked, not what is imported: changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#manifest_policy Import#manifest_policy}
  */
  readonly manifestPolicy?: string;
  /**
  * Mark the imported VM as a template.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#mark_as_template Import#mark_as_template}
  */
  readonly markAsTemplate?: boolean | cdktf.IResolvable;
  /**
  * Entity name. Default: the descriptor's.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#name Import#name}
  */
  readonly name?: string;
  /**
  * OVF network name → vSphere network.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#network_mapping Import#network_mapping}
  */
  readonly networkMapping?: { [key: string]: string };
  /**
  * Disks uploaded at once, each over its own NFC connection (1 to 32), when the source reads any file at any time (a folder, a local .ova, a URL with Range); a .ova streamed from a URL without Range is one pass. How the bytes travel, not what is imported: changed in place. Default: 4.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#parallel_disks Import#parallel_disks}
  */
  readonly parallelDisks?: number;
  /**
  * Values of password properties: write-only, never in plan or state; a change is seen through a salted digest.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#password_property_mapping Import#password_property_mapping}
  */
  readonly passwordPropertyMapping?: { [key: string]: string };
  /**
  * Power the entity on; changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#power_on Import#power_on}
  */
  readonly powerOn?: boolean | cdktf.IResolvable;
  /**
  * vApp property values by id ([class.]key[.instance]). Password properties go in password_property_mapping.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#property_mapping Import#property_mapping}
  */
  readonly propertyMapping?: { [key: string]: string };
  /**
  * Resource pool or vApp (inventory path).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#resource_pool Import#resource_pool}
  */
  readonly resourcePool?: string;
  /**
  * How the package's signature (.cert) is judged: verify (a signature that is present must be valid), require (a valid one must be present) or ignore. Default: verify.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#signature Import#signature}
  */
  readonly signature?: string;
  /**
  * Path or http(s) URL of an .ova or .ovf, or a directory holding one .ovf.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#source Import#source}
  */
  readonly source: string;
  /**
  * PEM texts of the CA certificates the signer must chain to (e.g. file("ca.pem")); without them the chain is not judged.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#trusted_certificates Import#trusted_certificates}
  */
  readonly trustedCertificates?: string[];
  /**
  * vApp to import into (inventory path), instead of a resource pool.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#vapp Import#vapp}
  */
  readonly vapp?: string;
}
export interface ImportSigner {
}

export function importSignerToTerraform(struct?: ImportSigner): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function importSignerToHclTerraform(struct?: ImportSigner): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class ImportSignerOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ImportSigner | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ImportSigner | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // issuer - computed: true, optional: false, required: false
  public get issuer() {
    return this.getStringAttribute('issuer');
  }

  // subject - computed: true, optional: false, required: false
  public get subject() {
    return this.getStringAttribute('subject');
  }

  // trusted - computed: true, optional: false, required: false
  public get trusted() {
    return this.getBooleanAttribute('trusted');
  }

  // valid_from - computed: true, optional: false, required: false
  public get validFrom() {
    return this.getStringAttribute('valid_from');
  }

  // valid_to - computed: true, optional: false, required: false
  public get validTo() {
    return this.getStringAttribute('valid_to');
  }
}
export interface ImportVms {
}

export function importVmsToTerraform(struct?: ImportVms): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function importVmsToHclTerraform(struct?: ImportVms): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class ImportVmsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): ImportVms | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ImportVms | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // memory_mb - computed: true, optional: false, required: false
  public get memoryMb() {
    return this.getNumberAttribute('memory_mb');
  }

  // name - computed: true, optional: false, required: false
  public get name() {
    return this.getStringAttribute('name');
  }

  // num_cpus - computed: true, optional: false, required: false
  public get numCpus() {
    return this.getNumberAttribute('num_cpus');
  }

  // power_state - computed: true, optional: false, required: false
  public get powerState() {
    return this.getStringAttribute('power_state');
  }
}

export class ImportVmsList extends cdktf.ComplexList {

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): ImportVmsOutputReference {
    return new ImportVmsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import ovfkit_import}
*/
export class Import extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ovfkit_import";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Import resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Import to import
  * @param importFromId The id of the existing Import that should be imported. Refer to the {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Import to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ovfkit_import", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/import ovfkit_import} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ImportConfig
  */
  public constructor(scope: Construct, id: string, config: ImportConfig) {
    super(scope, id, {
      terraformResourceType: 'ovfkit_import',
      terraformGeneratorMetadata: {
        providerName: 'ovfkit'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._acceptAllEulas = config.acceptAllEulas;
    this._annotation = config.annotation;
    this._cluster = config.cluster;
    this._datacenter = config.datacenter;
    this._datastore = config.datastore;
    this._deploymentOption = config.deploymentOption;
    this._diskProvisioning = config.diskProvisioning;
    this._folder = config.folder;
    this._host = config.host;
    this._ipAllocationPolicy = config.ipAllocationPolicy;
    this._ipProtocol = config.ipProtocol;
    this._locale = config.locale;
    this._manifestPolicy = config.manifestPolicy;
    this._markAsTemplate = config.markAsTemplate;
    this._name = config.name;
    this._networkMapping = config.networkMapping;
    this._parallelDisks = config.parallelDisks;
    this._passwordPropertyMapping = config.passwordPropertyMapping;
    this._powerOn = config.powerOn;
    this._propertyMapping = config.propertyMapping;
    this._resourcePool = config.resourcePool;
    this._signature = config.signature;
    this._source = config.source;
    this._trustedCertificates = config.trustedCertificates;
    this._vapp = config.vapp;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // accept_all_eulas - computed: false, optional: true, required: false
  private _acceptAllEulas?: boolean | cdktf.IResolvable; 
  public get acceptAllEulas() {
    return this.getBooleanAttribute('accept_all_eulas');
  }
  public set acceptAllEulas(value: boolean | cdktf.IResolvable) {
    this._acceptAllEulas = value;
  }
  public resetAcceptAllEulas() {
    this._acceptAllEulas = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get acceptAllEulasInput() {
    return this._acceptAllEulas;
  }

  // annotation - computed: true, optional: true, required: false
  private _annotation?: string; 
  public get annotation() {
    return this.getStringAttribute('annotation');
  }
  public set annotation(value: string) {
    this._annotation = value;
  }
  public resetAnnotation() {
    this._annotation = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get annotationInput() {
    return this._annotation;
  }

  // cluster - computed: false, optional: true, required: false
  private _cluster?: string; 
  public get cluster() {
    return this.getStringAttribute('cluster');
  }
  public set cluster(value: string) {
    this._cluster = value;
  }
  public resetCluster() {
    this._cluster = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get clusterInput() {
    return this._cluster;
  }

  // datacenter - computed: false, optional: true, required: false
  private _datacenter?: string; 
  public get datacenter() {
    return this.getStringAttribute('datacenter');
  }
  public set datacenter(value: string) {
    this._datacenter = value;
  }
  public resetDatacenter() {
    this._datacenter = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get datacenterInput() {
    return this._datacenter;
  }

  // datastore - computed: false, optional: true, required: false
  private _datastore?: string; 
  public get datastore() {
    return this.getStringAttribute('datastore');
  }
  public set datastore(value: string) {
    this._datastore = value;
  }
  public resetDatastore() {
    this._datastore = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get datastoreInput() {
    return this._datastore;
  }

  // deployment_option - computed: true, optional: true, required: false
  private _deploymentOption?: string; 
  public get deploymentOption() {
    return this.getStringAttribute('deployment_option');
  }
  public set deploymentOption(value: string) {
    this._deploymentOption = value;
  }
  public resetDeploymentOption() {
    this._deploymentOption = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get deploymentOptionInput() {
    return this._deploymentOption;
  }

  // descriptor_digest - computed: true, optional: false, required: false
  public get descriptorDigest() {
    return this.getStringAttribute('descriptor_digest');
  }

  // disk_provisioning - computed: false, optional: true, required: false
  private _diskProvisioning?: string; 
  public get diskProvisioning() {
    return this.getStringAttribute('disk_provisioning');
  }
  public set diskProvisioning(value: string) {
    this._diskProvisioning = value;
  }
  public resetDiskProvisioning() {
    this._diskProvisioning = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get diskProvisioningInput() {
    return this._diskProvisioning;
  }

  // folder - computed: false, optional: true, required: false
  private _folder?: string; 
  public get folder() {
    return this.getStringAttribute('folder');
  }
  public set folder(value: string) {
    this._folder = value;
  }
  public resetFolder() {
    this._folder = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get folderInput() {
    return this._folder;
  }

  // host - computed: false, optional: true, required: false
  private _host?: string; 
  public get host() {
    return this.getStringAttribute('host');
  }
  public set host(value: string) {
    this._host = value;
  }
  public resetHost() {
    this._host = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get hostInput() {
    return this._host;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // ip_allocation_policy - computed: false, optional: true, required: false
  private _ipAllocationPolicy?: string; 
  public get ipAllocationPolicy() {
    return this.getStringAttribute('ip_allocation_policy');
  }
  public set ipAllocationPolicy(value: string) {
    this._ipAllocationPolicy = value;
  }
  public resetIpAllocationPolicy() {
    this._ipAllocationPolicy = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ipAllocationPolicyInput() {
    return this._ipAllocationPolicy;
  }

  // ip_protocol - computed: false, optional: true, required: false
  private _ipProtocol?: string; 
  public get ipProtocol() {
    return this.getStringAttribute('ip_protocol');
  }
  public set ipProtocol(value: string) {
    this._ipProtocol = value;
  }
  public resetIpProtocol() {
    this._ipProtocol = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ipProtocolInput() {
    return this._ipProtocol;
  }

  // locale - computed: false, optional: true, required: false
  private _locale?: string; 
  public get locale() {
    return this.getStringAttribute('locale');
  }
  public set locale(value: string) {
    this._locale = value;
  }
  public resetLocale() {
    this._locale = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get localeInput() {
    return this._locale;
  }

  // manifest_policy - computed: false, optional: true, required: false
  private _manifestPolicy?: string; 
  public get manifestPolicy() {
    return this.getStringAttribute('manifest_policy');
  }
  public set manifestPolicy(value: string) {
    this._manifestPolicy = value;
  }
  public resetManifestPolicy() {
    this._manifestPolicy = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get manifestPolicyInput() {
    return this._manifestPolicy;
  }

  // mark_as_template - computed: false, optional: true, required: false
  private _markAsTemplate?: boolean | cdktf.IResolvable; 
  public get markAsTemplate() {
    return this.getBooleanAttribute('mark_as_template');
  }
  public set markAsTemplate(value: boolean | cdktf.IResolvable) {
    this._markAsTemplate = value;
  }
  public resetMarkAsTemplate() {
    this._markAsTemplate = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get markAsTemplateInput() {
    return this._markAsTemplate;
  }

  // name - computed: true, optional: true, required: false
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  public resetName() {
    this._name = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // network_mapping - computed: false, optional: true, required: false
  private _networkMapping?: { [key: string]: string }; 
  public get networkMapping() {
    return this.getStringMapAttribute('network_mapping');
  }
  public set networkMapping(value: { [key: string]: string }) {
    this._networkMapping = value;
  }
  public resetNetworkMapping() {
    this._networkMapping = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get networkMappingInput() {
    return this._networkMapping;
  }

  // parallel_disks - computed: false, optional: true, required: false
  private _parallelDisks?: number; 
  public get parallelDisks() {
    return this.getNumberAttribute('parallel_disks');
  }
  public set parallelDisks(value: number) {
    this._parallelDisks = value;
  }
  public resetParallelDisks() {
    this._parallelDisks = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get parallelDisksInput() {
    return this._parallelDisks;
  }

  // password_property_digests - computed: true, optional: false, required: false
  private _passwordPropertyDigests = new cdktf.StringMap(this, "password_property_digests");
  public get passwordPropertyDigests() {
    return this._passwordPropertyDigests;
  }

  // password_property_mapping - computed: false, optional: true, required: false
  private _passwordPropertyMapping?: { [key: string]: string }; 
  public get passwordPropertyMapping() {
    return this.getStringMapAttribute('password_property_mapping');
  }
  public set passwordPropertyMapping(value: { [key: string]: string }) {
    this._passwordPropertyMapping = value;
  }
  public resetPasswordPropertyMapping() {
    this._passwordPropertyMapping = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get passwordPropertyMappingInput() {
    return this._passwordPropertyMapping;
  }

  // power_on - computed: false, optional: true, required: false
  private _powerOn?: boolean | cdktf.IResolvable; 
  public get powerOn() {
    return this.getBooleanAttribute('power_on');
  }
  public set powerOn(value: boolean | cdktf.IResolvable) {
    this._powerOn = value;
  }
  public resetPowerOn() {
    this._powerOn = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get powerOnInput() {
    return this._powerOn;
  }

  // property_mapping - computed: false, optional: true, required: false
  private _propertyMapping?: { [key: string]: string }; 
  public get propertyMapping() {
    return this.getStringMapAttribute('property_mapping');
  }
  public set propertyMapping(value: { [key: string]: string }) {
    this._propertyMapping = value;
  }
  public resetPropertyMapping() {
    this._propertyMapping = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get propertyMappingInput() {
    return this._propertyMapping;
  }

  // resource_pool - computed: false, optional: true, required: false
  private _resourcePool?: string; 
  public get resourcePool() {
    return this.getStringAttribute('resource_pool');
  }
  public set resourcePool(value: string) {
    this._resourcePool = value;
  }
  public resetResourcePool() {
    this._resourcePool = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get resourcePoolInput() {
    return this._resourcePool;
  }

  // signature - computed: false, optional: true, required: false
  private _signature?: string; 
  public get signature() {
    return this.getStringAttribute('signature');
  }
  public set signature(value: string) {
    this._signature = value;
  }
  public resetSignature() {
    this._signature = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get signatureInput() {
    return this._signature;
  }

  // signature_status - computed: true, optional: false, required: false
  public get signatureStatus() {
    return this.getStringAttribute('signature_status');
  }

  // signer - computed: true, optional: false, required: false
  private _signer = new ImportSignerOutputReference(this, "signer");
  public get signer() {
    return this._signer;
  }

  // source - computed: false, optional: false, required: true
  private _source?: string; 
  public get source() {
    return this.getStringAttribute('source');
  }
  public set source(value: string) {
    this._source = value;
  }
  // Temporarily expose input value. Use with caution.
  public get sourceInput() {
    return this._source;
  }

  // trusted_certificates - computed: false, optional: true, required: false
  private _trustedCertificates?: string[]; 
  public get trustedCertificates() {
    return this.getListAttribute('trusted_certificates');
  }
  public set trustedCertificates(value: string[]) {
    this._trustedCertificates = value;
  }
  public resetTrustedCertificates() {
    this._trustedCertificates = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get trustedCertificatesInput() {
    return this._trustedCertificates;
  }

  // vapp - computed: false, optional: true, required: false
  private _vapp?: string; 
  public get vapp() {
    return this.getStringAttribute('vapp');
  }
  public set vapp(value: string) {
    this._vapp = value;
  }
  public resetVapp() {
    this._vapp = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get vappInput() {
    return this._vapp;
  }

  // vms - computed: true, optional: false, required: false
  private _vms = new ImportVmsList(this, "vms", false);
  public get vms() {
    return this._vms;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      accept_all_eulas: cdktf.booleanToTerraform(this._acceptAllEulas),
      annotation: cdktf.stringToTerraform(this._annotation),
      cluster: cdktf.stringToTerraform(this._cluster),
      datacenter: cdktf.stringToTerraform(this._datacenter),
      datastore: cdktf.stringToTerraform(this._datastore),
      deployment_option: cdktf.stringToTerraform(this._deploymentOption),
      disk_provisioning: cdktf.stringToTerraform(this._diskProvisioning),
      folder: cdktf.stringToTerraform(this._folder),
      host: cdktf.stringToTerraform(this._host),
      ip_allocation_policy: cdktf.stringToTerraform(this._ipAllocationPolicy),
      ip_protocol: cdktf.stringToTerraform(this._ipProtocol),
      locale: cdktf.stringToTerraform(this._locale),
      manifest_policy: cdktf.stringToTerraform(this._manifestPolicy),
      mark_as_template: cdktf.booleanToTerraform(this._markAsTemplate),
      name: cdktf.stringToTerraform(this._name),
      network_mapping: cdktf.hashMapper(cdktf.stringToTerraform)(this._networkMapping),
      parallel_disks: cdktf.numberToTerraform(this._parallelDisks),
      password_property_mapping: cdktf.hashMapper(cdktf.stringToTerraform)(this._passwordPropertyMapping),
      power_on: cdktf.booleanToTerraform(this._powerOn),
      property_mapping: cdktf.hashMapper(cdktf.stringToTerraform)(this._propertyMapping),
      resource_pool: cdktf.stringToTerraform(this._resourcePool),
      signature: cdktf.stringToTerraform(this._signature),
      source: cdktf.stringToTerraform(this._source),
      trusted_certificates: cdktf.listMapper(cdktf.stringToTerraform, false)(this._trustedCertificates),
      vapp: cdktf.stringToTerraform(this._vapp),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      accept_all_eulas: {
        value: cdktf.booleanToHclTerraform(this._acceptAllEulas),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      annotation: {
        value: cdktf.stringToHclTerraform(this._annotation),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      cluster: {
        value: cdktf.stringToHclTerraform(this._cluster),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      datacenter: {
        value: cdktf.stringToHclTerraform(this._datacenter),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      datastore: {
        value: cdktf.stringToHclTerraform(this._datastore),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      deployment_option: {
        value: cdktf.stringToHclTerraform(this._deploymentOption),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      disk_provisioning: {
        value: cdktf.stringToHclTerraform(this._diskProvisioning),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      folder: {
        value: cdktf.stringToHclTerraform(this._folder),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      host: {
        value: cdktf.stringToHclTerraform(this._host),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      ip_allocation_policy: {
        value: cdktf.stringToHclTerraform(this._ipAllocationPolicy),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      ip_protocol: {
        value: cdktf.stringToHclTerraform(this._ipProtocol),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      locale: {
        value: cdktf.stringToHclTerraform(this._locale),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      manifest_policy: {
        value: cdktf.stringToHclTerraform(this._manifestPolicy),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      mark_as_template: {
        value: cdktf.booleanToHclTerraform(this._markAsTemplate),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      network_mapping: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._networkMapping),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      parallel_disks: {
        value: cdktf.numberToHclTerraform(this._parallelDisks),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      password_property_mapping: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._passwordPropertyMapping),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      power_on: {
        value: cdktf.booleanToHclTerraform(this._powerOn),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      property_mapping: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._propertyMapping),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      resource_pool: {
        value: cdktf.stringToHclTerraform(this._resourcePool),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      signature: {
        value: cdktf.stringToHclTerraform(this._signature),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      source: {
        value: cdktf.stringToHclTerraform(this._source),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      trusted_certificates: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._trustedCertificates),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      vapp: {
        value: cdktf.stringToHclTerraform(this._vapp),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
