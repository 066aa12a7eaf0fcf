package main

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// callObject receives one redirected vim25 call (see soap.go); target is the object the client
// called it on.
type callObject struct {
	mo.ExtensibleManagedObject
	x      *extensions
	target types.ManagedObjectReference
}

func notFound(ref types.ManagedObjectReference) *soap.Fault {
	return simulator.Fault(fmt.Sprintf("managed object not found: %s", ref), &types.ManagedObjectNotFound{Obj: ref})
}

// ImportVApp creates the VM (VirtualMachineImportSpec) or the vApp with its child VMs
// (VirtualAppImportSpec) and returns one of our leases covering every file-backed device.
//
// @see vim.ResourcePool.importVApp
func (c *callObject) ImportVApp(ctx *simulator.Context, req *types.ImportVApp) soap.HasFault {
	body := new(methods.ImportVAppBody)
	poolObj := simulator.Map.Get(c.target)
	var poolEntity mo.Entity
	switch p := poolObj.(type) {
	case *simulator.ResourcePool:
		poolEntity = p
	case *simulator.VirtualApp:
		poolEntity = p
	default:
		body.Fault_ = notFound(c.target)
		return body
	}
	if req.Folder != nil && c.target.Type == "VirtualApp" {
		body.Fault_ = simulator.Fault("", &types.InvalidArgument{InvalidProperty: "pool"})
		return body
	}
	folderRef := datacenterOf(poolEntity).VmFolder
	if req.Folder != nil {
		if _, ok := simulator.Map.Get(*req.Folder).(*simulator.Folder); !ok {
			body.Fault_ = notFound(*req.Folder)
			return body
		}
		folderRef = *req.Folder
	}

	im := &importer{ctx: ctx, host: req.Host}
	var entity types.ManagedObjectReference
	var fault *soap.Fault
	switch spec := req.Spec.(type) {
	case *types.VirtualMachineImportSpec:
		entity, fault = im.vm(c.target, folderRef, spec)
	case *types.VirtualAppImportSpec:
		entity, fault = im.vapp(c.target, folderRef, spec)
	default:
		fault = simulator.Fault(fmt.Sprintf("%T: type not supported", req.Spec), &types.InvalidArgument{InvalidProperty: "spec"})
	}
	if fault != nil {
		for i := len(im.created) - 1; i >= 0; i-- {
			destroyEntity(ctx, im.created[i])
		}
		body.Fault_ = fault
		return body
	}

	l := c.x.newLease(ctx, "import", "ImportVApp", entity)
	for i := len(im.created) - 1; i >= 0; i-- { // children first
		l.created = append(l.created, im.created[i])
	}
	for _, vmRef := range im.vms {
		addDiskFiles(l, vmRef, true)
	}
	l.open()
	body.Res = &types.ImportVAppResponse{Returnval: l.Self}
	return body
}

type importer struct {
	ctx     *simulator.Context
	host    *types.ManagedObjectReference
	created []types.ManagedObjectReference // in creation order (parents first)
	vms     []types.ManagedObjectReference
}

func (im *importer) vm(pool, folder types.ManagedObjectReference, spec *types.VirtualMachineImportSpec) (types.ManagedObjectReference, *soap.Fault) {
	f := simulator.Map.Get(folder).(*simulator.Folder)
	res := f.CreateVMTask(im.ctx, &types.CreateVM_Task{This: folder, Config: withoutVAppConfig(spec.ConfigSpec), Pool: pool, Host: im.host})
	task := simulator.Map.Get(res.(*methods.CreateVM_TaskBody).Res.Returnval).(*simulator.Task)
	if task.Info.Error != nil {
		return types.ManagedObjectReference{}, simulator.Fault(task.Info.Error.LocalizedMessage, task.Info.Error.Fault)
	}
	ref := task.Info.Result.(types.ManagedObjectReference)
	im.created = append(im.created, ref)
	im.vms = append(im.vms, ref)
	if f := setVMVAppConfig(ref, spec.ConfigSpec.VAppConfig); f != nil { // vappconfig.go
		return types.ManagedObjectReference{}, simulator.Fault("", f)
	}
	return ref, nil
}

func (im *importer) vapp(pool, folder types.ManagedObjectReference, spec *types.VirtualAppImportSpec) (types.ManagedObjectReference, *soap.Fault) {
	rs := spec.ResourcePoolSpec
	if rs.CpuAllocation.Reservation == nil || rs.MemoryAllocation.Reservation == nil {
		rs = types.DefaultResourceConfigSpec()
	}
	req := &types.CreateVApp{This: pool, Name: spec.Name, ResSpec: rs, ConfigSpec: spec.VAppConfigSpec, VmFolder: &folder}
	var res soap.HasFault
	parent := simulator.Map.Get(pool)
	simulator.Map.WithLock(parent, func() {
		switch p := parent.(type) {
		case *simulator.ResourcePool:
			res = p.CreateVApp(req)
		case *simulator.VirtualApp:
			res = p.CreateVApp(req)
		}
	})
	if res == nil {
		return types.ManagedObjectReference{}, notFound(pool)
	}
	if f := res.Fault(); f != nil {
		return types.ManagedObjectReference{}, f
	}
	ref := res.(*methods.CreateVAppBody).Res.Returnval
	if app, ok := parent.(*simulator.VirtualApp); ok {
		// vcsim's VirtualApp.CreateVApp appends the child to a copy of the parent: record it here.
		simulator.Map.WithLock(app, func() {
			if simulator.FindReference(app.ResourcePool.ResourcePool, ref) == nil {
				app.ResourcePool.ResourcePool = append(app.ResourcePool.ResourcePool, ref)
			}
		})
	}
	im.created = append(im.created, ref)
	if f := setVAppConfig(ref, spec.VAppConfigSpec); f != nil { // vappconfig.go
		return types.ManagedObjectReference{}, simulator.Fault("", f)
	}
	for _, child := range spec.Child {
		var fault *soap.Fault
		switch cs := child.(type) {
		case *types.VirtualMachineImportSpec:
			_, fault = im.vm(ref, folder, cs)
		case *types.VirtualAppImportSpec:
			_, fault = im.vapp(ref, folder, cs)
		default:
			fault = simulator.Fault(fmt.Sprintf("%T: type not supported", child), &types.InvalidArgument{InvalidProperty: "spec.child"})
		}
		if fault != nil {
			return types.ManagedObjectReference{}, fault
		}
	}
	return ref, nil
}

func datacenterOf(e mo.Entity) *mo.Datacenter {
	for {
		p := e.Entity().Parent
		if p == nil {
			return nil
		}
		obj := simulator.Map.Get(*p)
		if dc, ok := obj.(*simulator.Datacenter); ok {
			return &dc.Datacenter
		}
		next, ok := obj.(mo.Entity)
		if !ok {
			return nil
		}
		e = next
	}
}

// datastoreFile maps "[ds] dir/file.vmdk" to the simulator's local file.
func datastoreFile(name string) string {
	var p object.DatastorePath
	if !p.FromString(name) {
		return ""
	}
	for _, e := range simulator.Map.All("Datastore") {
		if ds, ok := e.(*simulator.Datastore); ok && ds.Name == p.Datastore {
			return filepath.Join(ds.Info.GetDatastoreInfo().Url, filepath.FromSlash(p.Path))
		}
	}
	return ""
}

// addDiskFiles adds a device URL for every file-backed device of the VM (disks; on import
// also ISO/floppy images), named like vcsim 0.24.2's CreateImportSpec names its fileItems.
func addDiskFiles(l *lease, vmRef types.ManagedObjectReference, withImages bool) {
	vm, ok := simulator.Map.Get(vmRef).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	device := object.VirtualDeviceList(vm.Config.Hardware.Device)
	n := map[string]int{}
	for _, d := range device {
		info, ok := d.GetVirtualDevice().Backing.(types.BaseVirtualDeviceFileBackingInfo)
		if !ok {
			continue
		}
		disk, isDisk := d.(*types.VirtualDisk)
		if !isDisk && !withImages {
			continue
		}
		kind := device.Type(d)
		i := n[kind]
		n[kind]++
		fileName := info.GetVirtualDeviceFileBackingInfo().FileName
		f := &leaseFile{
			name:      uniqueName(l, path.Base(strings.TrimSpace(fileName[strings.Index(fileName, "]")+1:]))),
			path:      datastoreFile(fileName),
			key:       fmt.Sprintf("/%s/%s:%d", vm.Self.Value, kind, i),
			importKey: fmt.Sprintf("/%s/%s:%d", vm.Name, kind, i),
			disk:      isDisk,
			vm:        vmRef,
		}
		if isDisk {
			f.capacityKB = disk.CapacityInKB
			if disk.CapacityInBytes > 0 {
				f.capacityKB = disk.CapacityInBytes / 1024
			}
		}
		l.addFile(f)
	}
}

// uniqueName keeps URL names distinct when several VMs of a vApp all have disk-0.vmdk.
func uniqueName(l *lease, name string) string {
	if _, taken := l.files[name]; !taken {
		return name
	}
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		c := fmt.Sprintf("%s-%d%s", base, i, ext)
		if _, taken := l.files[c]; !taken {
			return c
		}
	}
}

// ExportVm returns a download lease for a powered-off VM's disks (missing in vcsim 0.24.2).
//
// @see vim.VirtualMachine.exportVm
func (c *callObject) ExportVm(ctx *simulator.Context, req *types.ExportVm) soap.HasFault {
	body := new(methods.ExportVmBody)
	vm, ok := simulator.Map.Get(c.target).(*simulator.VirtualMachine)
	if !ok {
		body.Fault_ = notFound(c.target)
		return body
	}
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
		body.Fault_ = simulator.Fault("The attempted operation cannot be performed in the current state (Powered on).", &types.InvalidPowerState{
			RequestedState: types.VirtualMachinePowerStatePoweredOff,
			ExistingState:  vm.Runtime.PowerState,
		})
		return body
	}
	l := c.x.newLease(ctx, "export", "ExportVm", vm.Self)
	addDiskFiles(l, vm.Self, false)
	l.open()
	body.Res = &types.ExportVmResponse{Returnval: l.Self}
	return body
}

// ExportVApp returns a download lease for the disks of every VM in a vApp.
//
// @see vim.VirtualApp.exportVApp
func (c *callObject) ExportVApp(ctx *simulator.Context, req *types.ExportVApp) soap.HasFault {
	body := new(methods.ExportVAppBody)
	app, ok := simulator.Map.Get(c.target).(*simulator.VirtualApp)
	if !ok {
		body.Fault_ = notFound(c.target)
		return body
	}
	vms := vappVMs(app)
	for _, ref := range vms {
		if vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok && vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
			body.Fault_ = simulator.Fault(fmt.Sprintf("VM %s is powered on", vm.Name), &types.InvalidPowerState{
				RequestedState: types.VirtualMachinePowerStatePoweredOff,
				ExistingState:  vm.Runtime.PowerState,
			})
			return body
		}
	}
	l := c.x.newLease(ctx, "export", "ExportVApp", app.Self)
	for _, ref := range vms {
		addDiskFiles(l, ref, false)
	}
	l.open()
	body.Res = &types.ExportVAppResponse{Returnval: l.Self}
	return body
}

// vappVMs lists the VMs of a vApp and its child vApps, in inventory order.
func vappVMs(app *simulator.VirtualApp) []types.ManagedObjectReference {
	vms := append([]types.ManagedObjectReference{}, app.Vm...)
	for _, child := range app.ResourcePool.ResourcePool {
		if a, ok := simulator.Map.Get(child).(*simulator.VirtualApp); ok {
			vms = append(vms, vappVMs(a)...)
		}
	}
	return vms
}

// DestroyTask on a VirtualApp destroys its VMs and child vApps with it, as vCenter does
// (vcsim 0.24.2 instead moves the VMs to the parent pool and leaves them behind).
//
// @see vim.ManagedEntity.destroy
func (c *callObject) DestroyTask(ctx *simulator.Context, req *types.Destroy_Task) soap.HasFault {
	app, ok := simulator.Map.Get(c.target).(*simulator.VirtualApp)
	if !ok {
		return &methods.Destroy_TaskBody{Fault_: notFound(c.target)}
	}
	task := simulator.CreateTask(app, "destroy", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		for _, ref := range vappVMs(app) {
			if vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
				return nil, &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOff, ExistingState: vm.Runtime.PowerState}
			}
		}
		if f := destroyEntity(ctx, app.Self); f != nil {
			return nil, f
		}
		return nil, nil
	})
	return &methods.Destroy_TaskBody{Res: &types.Destroy_TaskResponse{Returnval: task.Run()}}
}

// destroyEntity removes a VM (with its files) or a vApp (with its VMs and child vApps).
func destroyEntity(ctx *simulator.Context, ref types.ManagedObjectReference) types.BaseMethodFault {
	switch e := simulator.Map.Get(ref).(type) {
	case *simulator.VirtualMachine:
		if e.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			simulator.Map.WithLock(e, func() {
				e.PowerOffVMTask(ctx, &types.PowerOffVM_Task{This: ref})
			})
		}
		var res soap.HasFault
		simulator.Map.WithLock(e, func() { res = e.DestroyTask(ctx, &types.Destroy_Task{This: ref}) })
		task, _ := simulator.Map.Get(res.(*methods.Destroy_TaskBody).Res.Returnval).(*simulator.Task)
		if task != nil && task.Info.Error != nil {
			return task.Info.Error.Fault
		}
	case *simulator.VirtualApp:
		for _, vm := range append([]types.ManagedObjectReference{}, e.Vm...) {
			if f := destroyEntity(ctx, vm); f != nil {
				return f
			}
		}
		for _, child := range append([]types.ManagedObjectReference{}, e.ResourcePool.ResourcePool...) {
			if f := destroyEntity(ctx, child); f != nil {
				return f
			}
		}
		if e.Parent != nil {
			if parent := simulator.Map.Get(*e.Parent); parent != nil {
				simulator.Map.WithLock(parent, func() {
					switch p := parent.(type) {
					case *simulator.ResourcePool:
						simulator.RemoveReference(&p.ResourcePool.ResourcePool, ref)
					case *simulator.VirtualApp:
						simulator.RemoveReference(&p.ResourcePool.ResourcePool, ref)
					}
				})
			}
		}
		simulator.Map.Remove(ref)
	}
	return nil
}

var _ = os.Remove
