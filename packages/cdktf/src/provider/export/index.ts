// https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ExportConfig extends cdktf.TerraformMetaArguments {
  /**
  * Store each disk as chunk files of this many bytes (ovf:chunkSize). Default: one file per disk.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#chunk_size Export#chunk_size}
  */
  readonly chunkSize?: number;
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
  * OvfCreateDescriptorParams exportOption keywords (mac, uuid, extraconfig, …).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#export_option Export#export_option}
  */
  readonly exportOption?: string[];
  /**
  * SHA1, SHA256 or SHA512. Default: SHA256.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#manifest_algorithm Export#manifest_algorithm}
  */
  readonly manifestAlgorithm?: string;
  /**
  * ovf:id of the top entity and base name of the files. Default: the entity's inventory name.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#name Export#name}
  */
  readonly name?: string;
  /**
  * Values that, when changed, export again.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs/resources/export#triggers Export#triggers}
  */
  readonly triggers?: { [key: string]: string };
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
    this._chunkSize = config.chunkSize;
    this._destination = config.destination;
    this._entity = config.entity;
    this._exportOption = config.exportOption;
    this._manifestAlgorithm = config.manifestAlgorithm;
    this._name = config.name;
    this._triggers = config.triggers;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // chunk_size - computed: false, optional: true, required: false
  private _chunkSize?: number; 
  public get chunkSize() {
    return this.getNumberAttribute('chunk_size');
  }
  public set chunkSize(value: number) {
    this._chunkSize = value;
  }
  public resetChunkSize() {
    this._chunkSize = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get chunkSizeInput() {
    return this._chunkSize;
  }

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

  // export_option - computed: false, optional: true, required: false
  private _exportOption?: string[]; 
  public get exportOption() {
    return this.getListAttribute('export_option');
  }
  public set exportOption(value: string[]) {
    this._exportOption = value;
  }
  public resetExportOption() {
    this._exportOption = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exportOptionInput() {
    return this._exportOption;
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

  // triggers - computed: false, optional: true, required: false
  private _triggers?: { [key: string]: string }; 
  public get triggers() {
    return this.getStringMapAttribute('triggers');
  }
  public set triggers(value: { [key: string]: string }) {
    this._triggers = value;
  }
  public resetTriggers() {
    this._triggers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get triggersInput() {
    return this._triggers;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      chunk_size: cdktf.numberToTerraform(this._chunkSize),
      destination: cdktf.stringToTerraform(this._destination),
      entity: cdktf.stringToTerraform(this._entity),
      export_option: cdktf.listMapper(cdktf.stringToTerraform, false)(this._exportOption),
      manifest_algorithm: cdktf.stringToTerraform(this._manifestAlgorithm),
      name: cdktf.stringToTerraform(this._name),
      triggers: cdktf.hashMapper(cdktf.stringToTerraform)(this._triggers),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      chunk_size: {
        value: cdktf.numberToHclTerraform(this._chunkSize),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
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
      export_option: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._exportOption),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      manifest_algorithm: {
        value: cdktf.stringToHclTerraform(this._manifestAlgorithm),
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
      triggers: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._triggers),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
