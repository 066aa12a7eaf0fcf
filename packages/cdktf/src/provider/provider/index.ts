// https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface OvfkitProviderConfig {
  /**
  * PEM CA certificate(s) to trust for the server (the text, not a path).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#ca OvfkitProvider#ca}
  */
  readonly ca?: string;
  /**
  * Host profile for offline checks: a built-in name (esxi-8.0u3) or a profile JSON file. Default: the newest built-in.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#host_profile OvfkitProvider#host_profile}
  */
  readonly hostProfile?: string;
  /**
  * Accept any server certificate. Default: VSPHERE_INSECURE / VSPHERE_ALLOW_UNVERIFIED_SSL.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#insecure OvfkitProvider#insecure}
  */
  readonly insecure?: boolean | cdktf.IResolvable;
  /**
  * Inventory snapshot file (ovfkit inventory capture) for offline placement checks.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#inventory OvfkitProvider#inventory}
  */
  readonly inventory?: string;
  /**
  * Password. Default: VSPHERE_PASSWORD.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#password OvfkitProvider#password}
  */
  readonly password?: string;
  /**
  * vCenter or ESXi host name or URL (`https://` and `/sdk` implied). Default: VSPHERE_SERVER.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#server OvfkitProvider#server}
  */
  readonly server?: string;
  /**
  * SHA-256 fingerprint of the server certificate to pin. Default: VSPHERE_THUMBPRINT.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#thumbprint OvfkitProvider#thumbprint}
  */
  readonly thumbprint?: string;
  /**
  * User name. Default: VSPHERE_USER.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#user OvfkitProvider#user}
  */
  readonly user?: string;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#alias OvfkitProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs ovfkit}
*/
export class OvfkitProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ovfkit";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a OvfkitProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the OvfkitProvider to import
  * @param importFromId The id of the existing OvfkitProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the OvfkitProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ovfkit", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ovfkit/ovfkit/latest/docs ovfkit} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options OvfkitProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: OvfkitProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'ovfkit',
      terraformGeneratorMetadata: {
        providerName: 'ovfkit'
      },
      terraformProviderSource: 'registry.terraform.io/ovfkit/ovfkit'
    });
    this._ca = config.ca;
    this._hostProfile = config.hostProfile;
    this._insecure = config.insecure;
    this._inventory = config.inventory;
    this._password = config.password;
    this._server = config.server;
    this._thumbprint = config.thumbprint;
    this._user = config.user;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // ca - computed: false, optional: true, required: false
  private _ca?: string; 
  public get ca() {
    return this._ca;
  }
  public set ca(value: string | undefined) {
    this._ca = value;
  }
  public resetCa() {
    this._ca = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get caInput() {
    return this._ca;
  }

  // host_profile - computed: false, optional: true, required: false
  private _hostProfile?: string; 
  public get hostProfile() {
    return this._hostProfile;
  }
  public set hostProfile(value: string | undefined) {
    this._hostProfile = value;
  }
  public resetHostProfile() {
    this._hostProfile = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get hostProfileInput() {
    return this._hostProfile;
  }

  // insecure - computed: false, optional: true, required: false
  private _insecure?: boolean | cdktf.IResolvable; 
  public get insecure() {
    return this._insecure;
  }
  public set insecure(value: boolean | cdktf.IResolvable | undefined) {
    this._insecure = value;
  }
  public resetInsecure() {
    this._insecure = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get insecureInput() {
    return this._insecure;
  }

  // inventory - computed: false, optional: true, required: false
  private _inventory?: string; 
  public get inventory() {
    return this._inventory;
  }
  public set inventory(value: string | undefined) {
    this._inventory = value;
  }
  public resetInventory() {
    this._inventory = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get inventoryInput() {
    return this._inventory;
  }

  // password - computed: false, optional: true, required: false
  private _password?: string; 
  public get password() {
    return this._password;
  }
  public set password(value: string | undefined) {
    this._password = value;
  }
  public resetPassword() {
    this._password = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get passwordInput() {
    return this._password;
  }

  // server - computed: false, optional: true, required: false
  private _server?: string; 
  public get server() {
    return this._server;
  }
  public set server(value: string | undefined) {
    this._server = value;
  }
  public resetServer() {
    this._server = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serverInput() {
    return this._server;
  }

  // thumbprint - computed: false, optional: true, required: false
  private _thumbprint?: string; 
  public get thumbprint() {
    return this._thumbprint;
  }
  public set thumbprint(value: string | undefined) {
    this._thumbprint = value;
  }
  public resetThumbprint() {
    this._thumbprint = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get thumbprintInput() {
    return this._thumbprint;
  }

  // user - computed: false, optional: true, required: false
  private _user?: string; 
  public get user() {
    return this._user;
  }
  public set user(value: string | undefined) {
    this._user = value;
  }
  public resetUser() {
    this._user = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get userInput() {
    return this._user;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      ca: cdktf.stringToTerraform(this._ca),
      host_profile: cdktf.stringToTerraform(this._hostProfile),
      insecure: cdktf.booleanToTerraform(this._insecure),
      inventory: cdktf.stringToTerraform(this._inventory),
      password: cdktf.stringToTerraform(this._password),
      server: cdktf.stringToTerraform(this._server),
      thumbprint: cdktf.stringToTerraform(this._thumbprint),
      user: cdktf.stringToTerraform(this._user),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      ca: {
        value: cdktf.stringToHclTerraform(this._ca),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      host_profile: {
        value: cdktf.stringToHclTerraform(this._hostProfile),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      insecure: {
        value: cdktf.booleanToHclTerraform(this._insecure),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      inventory: {
        value: cdktf.stringToHclTerraform(this._inventory),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      password: {
        value: cdktf.stringToHclTerraform(this._password),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      server: {
        value: cdktf.stringToHclTerraform(this._server),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      thumbprint: {
        value: cdktf.stringToHclTerraform(this._thumbprint),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      user: {
        value: cdktf.stringToHclTerraform(this._user),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
