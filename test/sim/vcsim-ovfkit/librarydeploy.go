package main

// vcenter.ovf.library_item: deploy and filter an OVF library item. The deployment is done the way
// vCenter does it, through the vim25 API of this same simulator (CreateImportSpec, ImportVApp,
// the lease's NFC uploads of the item's files, HttpNfcLeaseComplete), so the VM gets the
// hardware, vApp properties and network of the descriptor, and a failure aborts the lease, which
// removes what the import created (lease.go).

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/nfc"
	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// deploySpec is vcenter.ovf.library_item.ResourcePoolDeploymentSpec (+ target), both forms:
// network_mappings is a map in /api and a list of {key, value} in /rest.
type deploySpec struct {
	Target struct {
		ResourcePoolID string `json:"resource_pool_id"`
		HostID         string `json:"host_id"`
		FolderID       string `json:"folder_id"`
	} `json:"target"`
	DeploymentSpec struct {
		Name                string          `json:"name"`
		Annotation          string          `json:"annotation"`
		AcceptAllEULA       bool            `json:"accept_all_EULA"`
		NetworkMappings     json.RawMessage `json:"network_mappings"`
		StorageProvisioning string          `json:"storage_provisioning"`
		DefaultDatastoreID  string          `json:"default_datastore_id"`
		AdditionalParams    []struct {
			Class       string `json:"@class"`
			Type        string `json:"type"`
			SelectedKey string `json:"selected_key"`
			Properties  []struct {
				ID    string `json:"id"`
				Value string `json:"value"`
			} `json:"properties"`
		} `json:"additional_parameters"`
	} `json:"deployment_spec"`
}

func (d *deploySpec) networks() (map[string]string, error) {
	out := map[string]string{}
	raw := d.DeploymentSpec.NetworkMappings
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err == nil {
		return out, nil
	}
	var list []struct{ Key, Value string }
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("network_mappings is neither a map nor a list of {key, value}")
	}
	for _, kv := range list {
		out[kv.Key] = kv.Value
	}
	return out, nil
}

func ovfMessage(category, text string) map[string]interface{} {
	return map[string]interface{}{"category": category, "error": map[string]interface{}{"@class": "com.vmware.vcenter.ovf.ovf_error"},
		"message": message("vcsim.ovfkit.ovf", text)}
}

// ovf serves /vcenter/ovf/library-item[/{id}]; cl.mu is not held (a deploy calls back into the
// simulator's SOAP endpoint and takes time).
func (cl *contentLibrary) ovf(c *vapiCall, x *extensions) (interface{}, *vapiError) {
	if len(c.seg) == 3 && c.seg[2] == "library-item" && c.method == http.MethodPost && c.action == "" {
		return cl.createOvf(c, x)
	}
	if len(c.seg) != 4 || c.seg[2] != "library-item" {
		return nil, &vapiError{http.StatusNotFound, "NOT_FOUND", "no such ovf operation"}
	}
	cl.mu.Lock()
	cl.calls[opName(c)]++
	it := cl.items[c.seg[3]]
	var desc []byte
	var files map[string]string
	var itemName string
	if it != nil {
		itemName = it.Name
		files = map[string]string{}
		for name, f := range it.Files {
			files[name] = f.path
			if strings.HasSuffix(strings.ToLower(name), ".ovf") && desc == nil {
				desc, _ = os.ReadFile(f.path)
			}
		}
	}
	cl.mu.Unlock()
	if it == nil {
		return nil, notFoundErr("library item", c.seg[3])
	}
	if desc == nil {
		return nil, invalidArg("library item %s has no OVF descriptor", c.seg[3])
	}
	var spec deploySpec
	if err := json.Unmarshal(c.body, &spec); err != nil {
		return nil, invalidArg("the body does not match the operation's input: %v", err)
	}
	switch c.action {
	case "filter":
		if spec.Target.ResourcePoolID != "" && simulator.Map.Get(types.ManagedObjectReference{Type: "ResourcePool", Value: spec.Target.ResourcePoolID}) == nil &&
			simulator.Map.Get(types.ManagedObjectReference{Type: "VirtualApp", Value: spec.Target.ResourcePoolID}) == nil {
			return nil, notFoundErr("resource pool", spec.Target.ResourcePoolID)
		}
		if spec.Target.HostID != "" && simulator.Map.Get(types.ManagedObjectReference{Type: "HostSystem", Value: spec.Target.HostID}) == nil {
			return nil, notFoundErr("host", spec.Target.HostID)
		}
		return cl.filter(x, string(desc), itemName)
	case "deploy":
		return cl.deploy(x, &spec, string(desc), files), nil
	}
	return nil, &vapiError{http.StatusNotFound, "NOT_FOUND", "action must be deploy or filter"}
}

// withVim runs f with a vim25 client logged in to this simulator (as vCenter's own services do).
func withVim(x *extensions, f func(context.Context, *vim25.Client) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	u := *x.server.URL
	u.Host = x.server.Listener.Addr().String()
	u.User = url.UserPassword(x.username, x.password)
	c, err := govmomi.NewClient(ctx, &u, true)
	if err != nil {
		return err
	}
	defer func() { _ = c.Logout(context.Background()) }()
	return f(ctx, c.Client)
}

// filter is ovf.library_item.filter: what a deployment of the item would ask for (name,
// annotation, EULAs, networks, the property and deployment option parameters).
func (cl *contentLibrary) filter(x *extensions, desc, itemName string) (interface{}, *vapiError) {
	var res map[string]interface{}
	err := withVim(x, func(ctx context.Context, c *vim25.Client) error {
		pd, err := ovf.NewManager(c).ParseDescriptor(ctx, desc, types.OvfParseDescriptorParams{})
		if err != nil {
			return err
		}
		if len(pd.Error) > 0 {
			return fmt.Errorf("%s", pd.Error[0].LocalizedMessage)
		}
		networks := []string{}
		for _, n := range pd.Network {
			networks = append(networks, n.Name)
		}
		eulas := []string{}
		for _, e := range pd.Eula {
			eulas = append(eulas, e)
		}
		props := []map[string]interface{}{}
		for _, p := range pd.Property {
			props = append(props, map[string]interface{}{"id": p.Id, "class_id": p.ClassId, "instance_id": p.InstanceId, "type": p.Type,
				"label": p.Label, "description": p.Description, "value": p.DefaultValue, "category": p.Category, "ui_optional": p.UserConfigurable != nil && !*p.UserConfigurable})
		}
		options := []map[string]interface{}{}
		for _, o := range pd.DeploymentOption {
			options = append(options, map[string]interface{}{"key": o.Key, "label": o.Label, "description": o.Description, "default_choice": o.Key == pd.DefaultDeploymentOption})
		}
		name := pd.DefaultEntityName
		if name == "" {
			name = itemName
		}
		res = map[string]interface{}{
			"name": name, "annotation": pd.Annotation, "EULAs": eulas, "networks": networks, "storage_groups": []string{},
			"additional_params": []map[string]interface{}{
				{"@class": "com.vmware.vcenter.ovf.property_params", "type": "PropertyParams", "properties": props},
				{"@class": "com.vmware.vcenter.ovf.deployment_option_params", "type": "DeploymentOptionParams", "deployment_options": options, "selected_key": pd.DefaultDeploymentOption},
				{"@class": "com.vmware.vcenter.ovf.size_params", "type": "SizeParams", "approximate_download_size": pd.ApproximateDownloadSize,
					"approximate_flat_deployment_size": pd.ApproximateFlatDeploymentSize, "approximate_sparse_deployment_size": pd.ApproximateSparseDeploymentSize, "variable_disk_size": false},
				{"@class": "com.vmware.vcenter.ovf.ip_allocation_params", "type": "IpAllocationParams", "supported_allocation_scheme": nonNilStrings(pd.IpAllocationScheme),
					"supported_ip_protocol": nonNilStrings(pd.IpProtocols), "supported_ip_allocation_policy": []string{"DHCP", "TRANSIENT", "FIXED", "FIXED_ALLOCATED"}},
			},
		}
		return nil
	})
	if err != nil {
		return nil, invalidArg("the item's descriptor cannot be read: %v", err)
	}
	return res, nil
}

// deploy is ovf.library_item.deploy: always an answer (succeeded or not), the errors and
// warnings in the result, as vCenter reports them; nothing is left behind on failure.
func (cl *contentLibrary) deploy(x *extensions, spec *deploySpec, desc string, files map[string]string) interface{} {
	var errs, warnings []interface{}
	var created *types.ManagedObjectReference
	err := withVim(x, func(ctx context.Context, c *vim25.Client) error {
		m := ovf.NewManager(c)
		pd, err := m.ParseDescriptor(ctx, desc, types.OvfParseDescriptorParams{})
		if err != nil {
			return err
		}
		if len(pd.Eula) > 0 && !spec.DeploymentSpec.AcceptAllEULA {
			errs = append(errs, ovfMessage("INPUT", "the package has EULAs and accept_all_EULA is not set"))
			return nil
		}
		if spec.Target.ResourcePoolID == "" {
			errs = append(errs, ovfMessage("INPUT", "target.resource_pool_id is required"))
			return nil
		}
		pool := types.ManagedObjectReference{Type: "ResourcePool", Value: spec.Target.ResourcePoolID}
		if obj := simulator.Map.Get(pool); obj == nil {
			if simulator.Map.Get(types.ManagedObjectReference{Type: "VirtualApp", Value: spec.Target.ResourcePoolID}) == nil {
				errs = append(errs, ovfMessage("INPUT", fmt.Sprintf("resource pool %s does not exist", spec.Target.ResourcePoolID)))
				return nil
			}
			pool.Type = "VirtualApp"
		}
		ds, ok := datastoreRef(spec.DeploymentSpec.DefaultDatastoreID)
		if !ok {
			errs = append(errs, ovfMessage("INPUT", fmt.Sprintf("datastore %s does not exist", spec.DeploymentSpec.DefaultDatastoreID)))
			return nil
		}
		nets, err := spec.networks()
		if err != nil {
			errs = append(errs, ovfMessage("INPUT", err.Error()))
			return nil
		}
		cisp := types.OvfCreateImportSpecParams{EntityName: spec.DeploymentSpec.Name, DiskProvisioning: strings.ToLower(spec.DeploymentSpec.StorageProvisioning)}
		if cisp.DiskProvisioning == "" {
			cisp.DiskProvisioning = "thin"
		}
		known := map[string]bool{}
		for _, n := range pd.Network {
			known[n.Name] = true
		}
		for _, name := range sortedStrings(nets) {
			if !known[name] {
				errs = append(errs, ovfMessage("INPUT", fmt.Sprintf("network_mappings names %q, which the descriptor does not have", name)))
				continue
			}
			ref, ok := networkRef(nets[name])
			if !ok {
				errs = append(errs, ovfMessage("INPUT", fmt.Sprintf("network %s does not exist", nets[name])))
				continue
			}
			cisp.NetworkMapping = append(cisp.NetworkMapping, types.OvfNetworkMapping{Name: name, Network: ref})
		}
		for _, p := range spec.DeploymentSpec.AdditionalParams {
			switch {
			case strings.HasSuffix(p.Class, "property_params") || p.Type == "PropertyParams":
				for _, prop := range p.Properties {
					cisp.PropertyMapping = append(cisp.PropertyMapping, types.KeyValue{Key: prop.ID, Value: prop.Value})
				}
			case strings.HasSuffix(p.Class, "deployment_option_params") || p.Type == "DeploymentOptionParams":
				cisp.DeploymentOption = p.SelectedKey
			}
		}
		if len(errs) > 0 {
			return nil
		}
		is, err := m.CreateImportSpec(ctx, desc, pool, ds, cisp)
		if err != nil {
			return err
		}
		for _, w := range is.Warning {
			warnings = append(warnings, ovfMessage("VALIDATION", w.LocalizedMessage))
		}
		if len(is.Error) > 0 {
			for _, e := range is.Error {
				errs = append(errs, ovfMessage("VALIDATION", e.LocalizedMessage))
			}
			return nil
		}
		req := types.ImportVApp{This: pool, Spec: is.ImportSpec}
		if spec.Target.FolderID != "" {
			req.Folder = &types.ManagedObjectReference{Type: "Folder", Value: spec.Target.FolderID}
		}
		if spec.Target.HostID != "" {
			req.Host = &types.ManagedObjectReference{Type: "HostSystem", Value: spec.Target.HostID}
		}
		res, err := methods.ImportVApp(ctx, c, &req)
		if err != nil {
			return err
		}
		lease := nfc.NewLease(c, res.Returnval)
		info, err := lease.Wait(ctx, is.FileItem)
		if err != nil {
			return err
		}
		// The updater drains each upload's progress (nfc.Lease.Upload blocks on it otherwise) and
		// keeps the lease alive with HttpNfcLeaseProgress, as vCenter's own deployer does.
		updater := lease.StartUpdater(ctx, info)
		defer updater.Done()
		for _, item := range info.Items {
			p, ok := files[item.Path]
			if !ok {
				_ = lease.Abort(ctx, nil)
				return fmt.Errorf("the item has no file %s that the descriptor references", item.Path)
			}
			f, err := os.Open(p)
			if err != nil {
				_ = lease.Abort(ctx, nil)
				return err
			}
			st, _ := f.Stat()
			err = lease.Upload(ctx, item, f, soap.Upload{ContentLength: st.Size()})
			_ = f.Close()
			if err != nil {
				_ = lease.Abort(ctx, nil)
				return fmt.Errorf("uploading %s: %v", item.Path, err)
			}
		}
		if in := x.take("libraryDeployFail", nil); in != nil {
			_ = lease.Abort(ctx, nil)
			return fmt.Errorf("injected deploy failure")
		}
		if err := lease.Complete(ctx); err != nil {
			return err
		}
		created = &info.Entity
		return nil
	})
	if err != nil {
		errs = append(errs, ovfMessage("SERVER", err.Error()))
	}
	out := map[string]interface{}{"succeeded": created != nil && len(errs) == 0,
		"error": map[string]interface{}{"errors": nonNil(errs), "warnings": nonNil(warnings), "information": []interface{}{}}}
	if created != nil && len(errs) == 0 {
		out["resource_id"] = map[string]string{"type": created.Type, "id": created.Value}
	}
	return out
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func nonNil(v []interface{}) []interface{} {
	if v == nil {
		return []interface{}{}
	}
	return v
}

func sortedStrings(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// datastoreRef finds a datastore by MoRef value; empty means the first one (vCenter picks one too).
func datastoreRef(id string) (types.ManagedObjectReference, bool) {
	all := simulator.Map.All("Datastore")
	sort.Slice(all, func(i, j int) bool { return all[i].Reference().Value < all[j].Reference().Value })
	for _, e := range all {
		if id == "" || e.Reference().Value == id {
			return e.Reference(), true
		}
	}
	return types.ManagedObjectReference{}, false
}

func datastoreExists(id string) bool {
	_, ok := datastoreRef(id)
	return ok && id != ""
}

func networkRef(id string) (types.ManagedObjectReference, bool) {
	for _, kind := range []string{"Network", "DistributedVirtualPortgroup", "OpaqueNetwork"} {
		for _, e := range simulator.Map.All(kind) {
			if e.Reference().Value == id {
				return e.Reference(), true
			}
		}
	}
	return types.ManagedObjectReference{}, false
}

// pullClient is how vCenter fetches a PULL source: TLS to anything unless a SHA-1 thumbprint
// was given (then only that certificate), no proxy.
func pullClient(thumbprint string) *http.Client {
	want := strings.ToUpper(strings.ReplaceAll(thumbprint, ":", ""))
	cfg := &tls.Config{InsecureSkipVerify: true}
	if want != "" {
		cfg.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return fmt.Errorf("no certificate")
			}
			sum := sha1.Sum(raw[0])
			if strings.ToUpper(hex.EncodeToString(sum[:])) != want {
				return fmt.Errorf("the certificate does not match ssl_certificate_thumbprint")
			}
			return nil
		}
	}
	return &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{TLSClientConfig: cfg, Proxy: nil}}
}
