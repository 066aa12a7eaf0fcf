// https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/descriptor
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataOvfkitDescriptorConfig extends cdktf.TerraformMetaArguments {
  /**
  * Configuration to parse for.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/descriptor#deployment_option DataOvfkitDescriptor#deployment_option}
  */
  readonly deploymentOption?: string;
  /**
  * Path or URL of an .ova/.ovf or a directory.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/descriptor#source DataOvfkitDescriptor#source}
  */
  readonly source: string;
}
export interface DataOvfkitDescriptorProperties {
}

export function dataOvfkitDescriptorPropertiesToTerraform(struct?: DataOvfkitDescriptorProperties): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataOvfkitDescriptorPropertiesToHclTerraform(struct?: DataOvfkitDescriptorProperties): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataOvfkitDescriptorPropertiesOutputReference extends cdktf.ComplexObject {
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

  public get internalValue(): DataOvfkitDescriptorProperties | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataOvfkitDescriptorProperties | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // default_value - computed: true, optional: false, required: false
  public get defaultValue() {
    return this.getStringAttribute('default_value');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // password - computed: true, optional: false, required: false
  public get password() {
    return this.getBooleanAttribute('password');
  }

  // type - computed: true, optional: false, required: false
  public get type() {
    return this.getStringAttribute('type');
  }

  // user_configurable - computed: true, optional: false, required: false
  public get userConfigurable() {
    return this.getBooleanAttribute('user_configurable');
  }
}

export class DataOvfkitDescriptorPropertiesList extends cdktf.ComplexList {

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
  public get(index: number): DataOvfkitDescriptorPropertiesOutputReference {
    return new DataOvfkitDescriptorPropertiesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/descriptor ovfkit_descriptor}
*/
export class DataOvfkitDescriptor extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ovfkit_descriptor";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataOvfkitDescriptor resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataOvfkitDescriptor to import
  * @param importFromId The id of the existing DataOvfkitDescriptor that should be imported. Refer to the {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/descriptor#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataOvfkitDescriptor to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ovfkit_descriptor", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/data-sources/descriptor ovfkit_descriptor} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataOvfkitDescriptorConfig
  */
  public constructor(scope: Construct, id: string, config: DataOvfkitDescriptorConfig) {
    super(scope, id, {
      terraformResourceType: 'ovfkit_descriptor',
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
    this._deploymentOption = config.deploymentOption;
    this._source = config.source;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // approximate_download_size - computed: true, optional: false, required: false
  public get approximateDownloadSize() {
    return this.getNumberAttribute('approximate_download_size');
  }

  // approximate_flat_deployment_size - computed: true, optional: false, required: false
  public get approximateFlatDeploymentSize() {
    return this.getNumberAttribute('approximate_flat_deployment_size');
  }

  // default_deployment_option - computed: true, optional: false, required: false
  public get defaultDeploymentOption() {
    return this.getStringAttribute('default_deployment_option');
  }

  // default_entity_name - computed: true, optional: false, required: false
  public get defaultEntityName() {
    return this.getStringAttribute('default_entity_name');
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

  // deployment_options - computed: true, optional: false, required: false
  public get deploymentOptions() {
    return this.getListAttribute('deployment_options');
  }

  // descriptor_digest - computed: true, optional: false, required: false
  public get descriptorDigest() {
    return this.getStringAttribute('descriptor_digest');
  }

  // errors - computed: true, optional: false, required: false
  public get errors() {
    return this.getListAttribute('errors');
  }

  // eula_count - computed: true, optional: false, required: false
  public get eulaCount() {
    return this.getNumberAttribute('eula_count');
  }

  // networks - computed: true, optional: false, required: false
  public get networks() {
    return this.getListAttribute('networks');
  }

  // properties - computed: true, optional: false, required: false
  private _properties = new DataOvfkitDescriptorPropertiesList(this, "properties", false);
  public get properties() {
    return this._properties;
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

  // virtual_app - computed: true, optional: false, required: false
  public get virtualApp() {
    return this.getBooleanAttribute('virtual_app');
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
      deployment_option: cdktf.stringToTerraform(this._deploymentOption),
      source: cdktf.stringToTerraform(this._source),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      deployment_option: {
        value: cdktf.stringToHclTerraform(this._deploymentOption),
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
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
