// https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ExportConfig extends cdktf.TerraformMetaArguments {
  /**
  * A directory (ovf) or a file ending in .ova.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#destination Export#destination}
  */
  readonly destination: string;
  /**
  * VirtualMachine:vm-42, VirtualApp:… or an inventory path.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#entity Export#entity}
  */
  readonly entity: string;
  /**
  * SHA1, SHA256 or SHA512. Default: SHA256.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#manifest_algorithm Export#manifest_algorithm}
  */
  readonly manifestAlgorithm?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export ovfkit_export}
*/
export class Export extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ovfkit_export";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Export resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Export to import
  * @param importFromId The id of the existing Export that should be imported. Refer to the {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Export to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ovfkit_export", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export ovfkit_export} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ExportConfig
  */
  public constructor(scope: Construct, id: string, config: ExportConfig) {
    super(scope, id, {
      terraformResourceType: 'ovfkit_export',
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
    this._destination = config.destination;
    this._entity = config.entity;
    this._manifestAlgorithm = config.manifestAlgorithm;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // destination - computed: false, optional: false, required: true
  private _destination?: string; 
  public get destination() {
    return this.getStringAttribute('destination');
  }
  public set destination(value: string) {
    this._destination = value;
  }
  // Temporarily expose input value. Use with caution.
  public get destinationInput() {
    return this._destination;
  }

  // entity - computed: false, optional: false, required: true
  private _entity?: string; 
  public get entity() {
    return this.getStringAttribute('entity');
  }
  public set entity(value: string) {
    this._entity = value;
  }
  // Temporarily expose input value. Use with caution.
  public get entityInput() {
    return this._entity;
  }

  // files - computed: true, optional: false, required: false
  public get files() {
    return this.getListAttribute('files');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // manifest_algorithm - computed: false, optional: true, required: false
  private _manifestAlgorithm?: string; 
  public get manifestAlgorithm() {
    return this.getStringAttribute('manifest_algorithm');
  }
  public set manifestAlgorithm(value: string) {
    this._manifestAlgorithm = value;
  }
  public resetManifestAlgorithm() {
    this._manifestAlgorithm = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get manifestAlgorithmInput() {
    return this._manifestAlgorithm;
  }

  // manifest_digest - computed: true, optional: false, required: false
  public get manifestDigest() {
    return this.getStringAttribute('manifest_digest');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      destination: cdktf.stringToTerraform(this._destination),
      entity: cdktf.stringToTerraform(this._entity),
      manifest_algorithm: cdktf.stringToTerraform(this._manifestAlgorithm),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      destination: {
        value: cdktf.stringToHclTerraform(this._destination),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      entity: {
        value: cdktf.stringToHclTerraform(this._entity),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      manifest_algorithm: {
        value: cdktf.stringToHclTerraform(this._manifestAlgorithm),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
