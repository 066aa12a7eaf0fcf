package main

// vApp options (vAppConfig) that survive in the simulator. vcsim 0.24.2 puts a descriptor's
// propertyMapping into the import spec's extraConfig, never builds configSpec.vAppConfig, ignores
// vAppConfig in CreateVM_Task and ReconfigVM_Task (a VM's config.vAppConfig is always unset),
// keeps only the annotation and products of a vApp, and has no UpdateVAppConfig. Here:
//
//   - CreateImportSpec fills configSpec.vAppConfig (VmConfigSpec) of each VirtualMachineImportSpec
//     from its VirtualSystem's ProductSections, and the VirtualAppImportSpec's vAppConfigSpec from
//     the collection's, as vCenter does: products, properties with the propertyMapping values
//     applied (per-configuration <Value>s of the chosen deploymentOption as defaults), the
//     ovfEnvironmentTransport of the VirtualHardwareSection, and ipAssignment;
//   - ImportVApp keeps that vAppConfig on the created VM / vApp;
//   - ReconfigVM_Task applies spec.vAppConfig (ArrayUpdateSpec add/edit/remove) atomically with
//     the rest of the spec;
//   - VirtualApp.UpdateVAppConfig (redirected) sets the annotation, the vApp's own options and
//     entityConfig.
//
// Password-typed values are stored (a guest needs them) but never written to a log, a fault or an
// event: faults name the property's key and id only, and vcsim's own ReconfigVM/CreateVM events
// are given the spec without its vAppConfig.

import (
	"fmt"
	"strings"

	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func strOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// vmConfigSpecFor is the vAppConfig CreateImportSpec puts in an import spec for a VirtualSystem
// (or, with hardware nil, for a VirtualSystemCollection's own ProductSections): nil when the
// descriptor has no vApp options at all.
//
// @see vim.vApp.VmConfigSpec, vim.OvfManager.CreateImportSpecParams.propertyMapping
func vmConfigSpecFor(products []ovf.ProductSection, hardware []ovf.VirtualHardwareSection, ip *ipAssignment, cisp types.OvfCreateImportSpecParams) *types.VmConfigSpec {
	spec := &types.VmConfigSpec{}
	mapping := map[string]string{}
	for _, kv := range cisp.PropertyMapping {
		mapping[kv.Key] = kv.Value
	}
	add := types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd}
	var key int32
	for i, ps := range products {
		class, instance := strOr(ps.Class, ""), strOr(ps.Instance, "")
		spec.Product = append(spec.Product, types.VAppProductSpec{ArrayUpdateSpec: add, Info: &types.VAppProductInfo{
			Key: int32(i), ClassId: class, InstanceId: instance, Name: ps.Product, Vendor: ps.Vendor, Version: ps.Version,
			FullVersion: ps.FullVersion, VendorUrl: ps.VendorURL, ProductUrl: ps.ProductURL, AppUrl: ps.AppURL,
		}})
		for _, p := range ps.Property {
			def := strOr(p.Default, "")
			for _, v := range p.Values {
				if v.Configuration != nil && *v.Configuration == cisp.DeploymentOption && cisp.DeploymentOption != "" {
					def = v.Value
				}
			}
			if e, ok := expressionDefault(p); ok && def == "" {
				def = e
			}
			// vCenter matches a propertyMapping key to a property's full id only, and ignores any
			// other key (a bare id of a class-qualified property included) without a word.
			value, set := mapping[strings.Join(nonEmpty(class, p.Key, instance), ".")]
			info := &types.VAppPropertyInfo{
				Key: key, ClassId: class, InstanceId: instance, Id: p.Key, Label: strOr(p.Label, ""),
				Type: vappPropertyType(p), UserConfigurable: p.UserConfigurable, DefaultValue: def,
				Description: strings.TrimSpace(strOr(p.Description, "")),
			}
			if info.UserConfigurable == nil {
				f := false
				info.UserConfigurable = &f
			}
			if set {
				info.Value = value
			}
			spec.Property = append(spec.Property, types.VAppPropertySpec{ArrayUpdateSpec: add, Info: info})
			key++
		}
	}
	for _, h := range hardware {
		if h.Transport != nil {
			spec.OvfEnvironmentTransport = append(spec.OvfEnvironmentTransport, strings.Fields(*h.Transport)...)
		}
	}
	if ip != nil || cisp.IpAllocationPolicy != "" || cisp.IpProtocol != "" {
		a := &types.VAppIPAssignmentInfo{IpAllocationPolicy: cisp.IpAllocationPolicy, IpProtocol: cisp.IpProtocol}
		if ip != nil {
			a.SupportedAllocationScheme = splitList(ip.Schemes)
			a.SupportedIpProtocol = splitList(ip.Protocols)
		}
		spec.IpAssignment = a
	}
	if len(spec.Product) == 0 && len(spec.OvfEnvironmentTransport) == 0 && spec.IpAssignment == nil {
		return nil
	}
	return spec
}

func nonEmpty(s ...string) []string {
	out := s[:0:0]
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// withImportVAppConfig completes a VirtualMachineImportSpec vcsim made from a one-VirtualSystem
// descriptor: it adds configSpec.vAppConfig and drops the extraConfig entries vcsim wrote for the
// propertyMapping (vCenter puts those values in vApp properties, not in extraConfig).
func withImportVAppConfig(req *types.CreateImportSpec, res soap.HasFault) {
	body, ok := res.(*methods.CreateImportSpecBody)
	if !ok || body.Res == nil {
		return
	}
	vmSpec, ok := body.Res.Returnval.ImportSpec.(*types.VirtualMachineImportSpec)
	if !ok {
		return
	}
	d, err := parseDescriptor(req.OvfDescriptor)
	if err != nil || d.System == nil {
		return
	}
	mapped := map[string]bool{}
	for _, kv := range req.Cisp.PropertyMapping {
		mapped[kv.Key] = true
	}
	kept := vmSpec.ConfigSpec.ExtraConfig[:0]
	for _, o := range vmSpec.ConfigSpec.ExtraConfig {
		if ov := o.GetOptionValue(); ov != nil && mapped[ov.Key] {
			continue
		}
		kept = append(kept, o)
	}
	vmSpec.ConfigSpec.ExtraConfig = kept
	if spec := vmConfigSpecFor(d.System.Product, d.System.VirtualHardware, d.System.IPAssignment, req.Cisp); spec != nil {
		withCategories(spec, req.OvfDescriptor, "VirtualSystem") // productsection.go
		vmSpec.ConfigSpec.VAppConfig = spec
	}
}

// collectionVmConfigSpec is the vApp's own options for a VirtualAppImportSpec.
func collectionVmConfigSpec(c *virtualSystemCollection, cisp types.OvfCreateImportSpecParams) types.VmConfigSpec {
	if spec := vmConfigSpecFor(c.Product, nil, c.IPAssignment, cisp); spec != nil {
		return *spec
	}
	return types.VmConfigSpec{}
}

// invalidVAppConfig is the fault for a bad vAppConfig edit; it names the field and key, never a value.
func invalidVAppConfig(field string) *types.InvalidArgument {
	return &types.InvalidArgument{InvalidProperty: field}
}

// applyVmConfigSpec returns cur with spec applied (cur is not changed): products and properties by
// ArrayUpdateSpec (add: new key; edit: fields set in info replace the old ones, a value "" clears;
// remove: removeKey), the other fields replaced when set.
//
// @see vim.vApp.VmConfigSpec, vim.option.ArrayUpdateSpec
func applyVmConfigSpec(cur types.VmConfigInfo, spec *types.VmConfigSpec) (types.VmConfigInfo, types.BaseMethodFault) {
	next := cur
	next.Product = append([]types.VAppProductInfo(nil), cur.Product...)
	next.Property = append([]types.VAppPropertyInfo(nil), cur.Property...)
	if spec == nil {
		return next, nil
	}
	for i, ps := range spec.Product {
		field := fmt.Sprintf("vAppConfig.product[%d]", i)
		switch ps.Operation {
		case types.ArrayUpdateOperationAdd:
			if ps.Info == nil {
				return cur, invalidVAppConfig(field + ".info")
			}
			for _, p := range next.Product {
				if p.Key == ps.Info.Key {
					return cur, invalidVAppConfig(field + ".info.key")
				}
			}
			next.Product = append(next.Product, *ps.Info)
		case types.ArrayUpdateOperationEdit:
			if ps.Info == nil {
				return cur, invalidVAppConfig(field + ".info")
			}
			j := productIndex(next.Product, ps.Info.Key)
			if j < 0 {
				return cur, invalidVAppConfig(field + ".info.key")
			}
			next.Product[j] = *ps.Info
		case types.ArrayUpdateOperationRemove:
			k, ok := intKey(ps.RemoveKey)
			j := productIndex(next.Product, k)
			if !ok || j < 0 {
				return cur, invalidVAppConfig(field + ".removeKey")
			}
			next.Product = append(next.Product[:j], next.Product[j+1:]...)
		default:
			return cur, invalidVAppConfig(field + ".operation")
		}
	}
	for i, ps := range spec.Property {
		field := fmt.Sprintf("vAppConfig.property[%d]", i)
		switch ps.Operation {
		case types.ArrayUpdateOperationAdd:
			if ps.Info == nil {
				return cur, invalidVAppConfig(field + ".info")
			}
			if propertyIndex(next.Property, ps.Info.Key) >= 0 {
				return cur, invalidVAppConfig(field + ".info.key")
			}
			next.Property = append(next.Property, *ps.Info)
		case types.ArrayUpdateOperationEdit:
			if ps.Info == nil {
				return cur, invalidVAppConfig(field + ".info")
			}
			j := propertyIndex(next.Property, ps.Info.Key)
			if j < 0 {
				return cur, invalidVAppConfig(field + ".info.key")
			}
			next.Property[j] = editProperty(next.Property[j], *ps.Info)
		case types.ArrayUpdateOperationRemove:
			k, ok := intKey(ps.RemoveKey)
			j := propertyIndex(next.Property, k)
			if !ok || j < 0 {
				return cur, invalidVAppConfig(field + ".removeKey")
			}
			next.Property = append(next.Property[:j], next.Property[j+1:]...)
		default:
			return cur, invalidVAppConfig(field + ".operation")
		}
	}
	if spec.IpAssignment != nil {
		next.IpAssignment = *spec.IpAssignment
	}
	if spec.Eula != nil {
		next.Eula = append([]string(nil), spec.Eula...)
	}
	if spec.OvfEnvironmentTransport != nil {
		next.OvfEnvironmentTransport = append([]string(nil), spec.OvfEnvironmentTransport...)
	}
	if spec.InstallBootRequired != nil {
		next.InstallBootRequired = *spec.InstallBootRequired
	}
	if spec.InstallBootStopDelay != 0 {
		next.InstallBootStopDelay = spec.InstallBootStopDelay
	}
	return next, nil
}

// editProperty: an edit carries the key and the fields to change (a client editing a value sends
// key + value); vSphere keeps the fields the edit leaves unset. The value is always taken, so an
// edit to "" clears it.
func editProperty(old, in types.VAppPropertyInfo) types.VAppPropertyInfo {
	out := old
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&out.ClassId, in.ClassId)
	set(&out.InstanceId, in.InstanceId)
	set(&out.Id, in.Id)
	set(&out.Category, in.Category)
	set(&out.Label, in.Label)
	set(&out.Type, in.Type)
	set(&out.TypeReference, in.TypeReference)
	set(&out.DefaultValue, in.DefaultValue)
	set(&out.Description, in.Description)
	if in.UserConfigurable != nil {
		out.UserConfigurable = in.UserConfigurable
	}
	out.Value = in.Value
	return out
}

func productIndex(list []types.VAppProductInfo, key int32) int {
	for i := range list {
		if list[i].Key == key {
			return i
		}
	}
	return -1
}

func propertyIndex(list []types.VAppPropertyInfo, key int32) int {
	for i := range list {
		if list[i].Key == key {
			return i
		}
	}
	return -1
}

// intKey reads an ArrayUpdateSpec.removeKey (xsd:int on the wire).
func intKey(v types.AnyType) (int32, bool) {
	switch k := v.(type) {
	case int32:
		return k, true
	case int64:
		return int32(k), true
	case int:
		return int32(k), true
	case int16:
		return int32(k), true
	case int8:
		return int32(k), true
	}
	return 0, false
}

// setVMVAppConfig stores a VM's vApp options (ImportVApp's configSpec.vAppConfig).
func setVMVAppConfig(ref types.ManagedObjectReference, spec types.BaseVmConfigSpec) types.BaseMethodFault {
	if spec == nil {
		return nil
	}
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return &types.ManagedObjectNotFound{Obj: ref}
	}
	info, fault := applyVmConfigSpec(types.VmConfigInfo{}, spec.GetVmConfigSpec())
	if fault != nil {
		return fault
	}
	simulator.Map.WithLock(vm, func() { vm.Config.VAppConfig = &info })
	return nil
}

// withoutVAppConfig is the spec given to vcsim's CreateVM_Task / ReconfigVM_Task: vcsim ignores
// vAppConfig, and its events would otherwise carry password property values.
func withoutVAppConfig(spec types.VirtualMachineConfigSpec) types.VirtualMachineConfigSpec {
	spec.VAppConfig = nil
	spec.VAppConfigRemoved = nil
	return spec
}

// setVAppConfig replaces a vApp's options with those of its import spec (vcsim's CreateVApp keeps
// only the annotation and the products).
func setVAppConfig(ref types.ManagedObjectReference, spec types.VAppConfigSpec) types.BaseMethodFault {
	app, ok := simulator.Map.Get(ref).(*simulator.VirtualApp)
	if !ok {
		return &types.ManagedObjectNotFound{Obj: ref}
	}
	vm, fault := applyVmConfigSpec(types.VmConfigInfo{}, &spec.VmConfigSpec)
	if fault != nil {
		return fault
	}
	simulator.Map.WithLock(app, func() {
		app.VAppConfig = &types.VAppConfigInfo{VmConfigInfo: vm, Annotation: spec.Annotation, EntityConfig: spec.EntityConfig, InstanceUuid: spec.InstanceUuid, ManagedBy: spec.ManagedBy}
	})
	return nil
}

// ReconfigVMTask (redirected) applies spec.vAppConfig with the rest of the spec, in one task:
// an invalid vAppConfig edit fails the task and changes nothing. Specs without vApp options go to
// vcsim unchanged.
//
// @see vim.VirtualMachine.reconfigure
func (c *callObject) ReconfigVMTask(ctx *simulator.Context, req *types.ReconfigVM_Task) soap.HasFault {
	vm, ok := simulator.Map.Get(c.target).(*simulator.VirtualMachine)
	if !ok {
		return &methods.ReconfigVM_TaskBody{Fault_: notFound(c.target)}
	}
	req.This = c.target
	if req.Spec.VAppConfig == nil && req.Spec.VAppConfigRemoved == nil {
		var res soap.HasFault
		simulator.Map.WithLock(vm, func() { res = vm.ReconfigVMTask(ctx, req) })
		return res
	}
	task := simulator.CreateTask(vm, "reconfigVm", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		var cur types.VmConfigInfo
		simulator.Map.WithLock(vm, func() {
			if vm.Config.VAppConfig != nil {
				cur = *vm.Config.VAppConfig.GetVmConfigInfo()
			}
		})
		var next types.VmConfigInfo
		var fault types.BaseMethodFault
		if req.Spec.VAppConfigRemoved != nil && *req.Spec.VAppConfigRemoved {
			next, fault = applyVmConfigSpec(types.VmConfigInfo{}, nil)
		} else {
			next, fault = applyVmConfigSpec(cur, req.Spec.VAppConfig.GetVmConfigSpec())
		}
		if fault != nil {
			return nil, fault
		}
		inner := *req
		inner.Spec = withoutVAppConfig(req.Spec)
		var res soap.HasFault
		simulator.Map.WithLock(vm, func() { res = vm.ReconfigVMTask(ctx, &inner) })
		if t, ok := simulator.Map.Get(res.(*methods.ReconfigVM_TaskBody).Res.Returnval).(*simulator.Task); ok && t.Info.Error != nil {
			return nil, t.Info.Error.Fault
		}
		simulator.Map.WithLock(vm, func() {
			if req.Spec.VAppConfigRemoved != nil && *req.Spec.VAppConfigRemoved {
				vm.Config.VAppConfig = nil
			} else {
				vm.Config.VAppConfig = &next
			}
		})
		return nil, nil
	})
	return &methods.ReconfigVM_TaskBody{Res: &types.ReconfigVM_TaskResponse{Returnval: task.Run()}}
}

// UpdateVAppConfig (redirected; missing in vcsim 0.24.2) changes a vApp's annotation, its own
// products and properties (ArrayUpdateSpec), entityConfig (by key) and the other options.
//
// @see vim.VirtualApp.updateVAppConfig
func (c *callObject) UpdateVAppConfig(ctx *simulator.Context, req *types.UpdateVAppConfig) soap.HasFault {
	body := new(methods.UpdateVAppConfigBody)
	app, ok := simulator.Map.Get(c.target).(*simulator.VirtualApp)
	if !ok {
		body.Fault_ = notFound(c.target)
		return body
	}
	simulator.Map.WithLock(app, func() {
		cur := types.VAppConfigInfo{}
		if app.VAppConfig != nil {
			cur = *app.VAppConfig
		}
		vm, fault := applyVmConfigSpec(cur.VmConfigInfo, &req.Spec.VmConfigSpec)
		if fault != nil {
			body.Fault_ = simulator.Fault("", fault)
			return
		}
		next := cur
		next.VmConfigInfo = vm
		next.EntityConfig = append([]types.VAppEntityConfigInfo(nil), cur.EntityConfig...)
		for i, e := range req.Spec.EntityConfig {
			if e.Key == nil {
				body.Fault_ = simulator.Fault("", &types.InvalidArgument{InvalidProperty: fmt.Sprintf("entityConfig[%d].key", i)})
				return
			}
			if simulator.FindReference(app.Vm, *e.Key) == nil && simulator.FindReference(app.ResourcePool.ResourcePool, *e.Key) == nil {
				body.Fault_ = simulator.Fault("", &types.InvalidArgument{InvalidProperty: fmt.Sprintf("entityConfig[%d].key", i)})
				return
			}
			replaced := false
			for j := range next.EntityConfig {
				if k := next.EntityConfig[j].Key; k != nil && *k == *e.Key {
					next.EntityConfig[j] = e
					replaced = true
				}
			}
			if !replaced {
				next.EntityConfig = append(next.EntityConfig, e)
			}
		}
		if req.Spec.Annotation != "" {
			next.Annotation = req.Spec.Annotation
		}
		if req.Spec.InstanceUuid != "" {
			next.InstanceUuid = req.Spec.InstanceUuid
		}
		if req.Spec.ManagedBy != nil {
			next.ManagedBy = req.Spec.ManagedBy
		}
		app.VAppConfig = &next
		body.Res = &types.UpdateVAppConfigResponse{}
	})
	return body
}
