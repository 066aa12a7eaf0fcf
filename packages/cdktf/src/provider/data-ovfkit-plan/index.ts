// https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataOvfkitPlanConfig extends cdktf.TerraformMetaArguments {
  /**
  * Accept the EULAs.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#accept_all_eulas DataOvfkitPlan#accept_all_eulas}
  */
  readonly acceptAllEulas?: boolean | cdktf.IResolvable;
  /**
  * Datastore (checked against the inventory snapshot).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#datastore DataOvfkitPlan#datastore}
  */
  readonly datastore?: string;
  /**
  * Configuration.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#deployment_option DataOvfkitPlan#deployment_option}
  */
  readonly deploymentOption?: string;
  /**
  * Disk provisioning.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#disk_provisioning DataOvfkitPlan#disk_provisioning}
  */
  readonly diskProvisioning?: string;
  /**
  * Host (checked against the inventory snapshot).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#host DataOvfkitPlan#host}
  */
  readonly host?: string;
  /**
  * Entity name.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#name DataOvfkitPlan#name}
  */
  readonly name?: string;
  /**
  * OVF network → vSphere network.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#network_mapping DataOvfkitPlan#network_mapping}
  */
  readonly networkMapping?: { [key: string]: string };
  /**
  * vApp property values (no password values: they would be stored in state).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#property_mapping DataOvfkitPlan#property_mapping}
  */
  readonly propertyMapping?: { [key: string]: string };
  /**
  * Resource pool (checked against the inventory snapshot).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#resource_pool DataOvfkitPlan#resource_pool}
  */
  readonly resourcePool?: string;
  /**
  * How the package's signature (.cert) is judged: verify (a signature that is present must be valid), require (a valid one must be present) or ignore. Default: verify.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#signature DataOvfkitPlan#signature}
  */
  readonly signature?: string;
  /**
  * Path or URL of an .ova/.ovf or a directory.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#source DataOvfkitPlan#source}
  */
  readonly source: string;
  /**
  * PEM texts of the CA certificates the signer must chain to (e.g. file("ca.pem")); without them the chain is not judged.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#trusted_certificates DataOvfkitPlan#trusted_certificates}
  */
  readonly trustedCertificates?: string[];
}
export interface DataOvfkitPlanSigner {
}

export function dataOvfkitPlanSignerToTerraform(struct?: DataOvfkitPlanSigner): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataOvfkitPlanSignerToHclTerraform(struct?: DataOvfkitPlanSigner): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataOvfkitPlanSignerOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): DataOvfkitPlanSigner | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataOvfkitPlanSigner | undefined) {
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

/**
* Represents a {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan ovfkit_plan}
*/
export class DataOvfkitPlan extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ovfkit_plan";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataOvfkitPlan resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataOvfkitPlan to import
  * @param importFromId The id of the existing DataOvfkitPlan that should be imported. Refer to the {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataOvfkitPlan to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ovfkit_plan", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/plan ovfkit_plan} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataOvfkitPlanConfig
  */
  public constructor(scope: Construct, id: string, config: DataOvfkitPlanConfig) {
    super(scope, id, {
      terraformResourceType: 'ovfkit_plan',
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
    this._datastore = config.datastore;
    this._deploymentOption = config.deploymentOption;
    this._diskProvisioning = config.diskProvisioning;
    this._host = config.host;
    this._name = config.name;
    this._networkMapping = config.networkMapping;
    this._propertyMapping = config.propertyMapping;
    this._resourcePool = config.resourcePool;
    this._signature = config.signature;
    this._source = config.source;
    this._trustedCertificates = config.trustedCertificates;
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

  // deployment_option - computed: false, optional: true, required: false
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

  // errors - computed: true, optional: false, required: false
  public get errors() {
    return this.getListAttribute('errors');
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

  // name - computed: false, optional: true, required: false
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

  // ok - computed: true, optional: false, required: false
  public get ok() {
    return this.getBooleanAttribute('ok');
  }

  // plan_json - computed: true, optional: false, required: false
  public get planJson() {
    return this.getStringAttribute('plan_json');
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
  private _signer = new DataOvfkitPlanSignerOutputReference(this, "signer");
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

  // warnings - computed: true, optional: false, required: false
  public get warnings() {
    return this.getListAttribute('warnings');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      accept_all_eulas: cdktf.booleanToTerraform(this._acceptAllEulas),
      datastore: cdktf.stringToTerraform(this._datastore),
      deployment_option: cdktf.stringToTerraform(this._deploymentOption),
      disk_provisioning: cdktf.stringToTerraform(this._diskProvisioning),
      host: cdktf.stringToTerraform(this._host),
      name: cdktf.stringToTerraform(this._name),
      network_mapping: cdktf.hashMapper(cdktf.stringToTerraform)(this._networkMapping),
      property_mapping: cdktf.hashMapper(cdktf.stringToTerraform)(this._propertyMapping),
      resource_pool: cdktf.stringToTerraform(this._resourcePool),
      signature: cdktf.stringToTerraform(this._signature),
      source: cdktf.stringToTerraform(this._source),
      trusted_certificates: cdktf.listMapper(cdktf.stringToTerraform, false)(this._trustedCertificates),
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
      host: {
        value: cdktf.stringToHclTerraform(this._host),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
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
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
