package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// CreateDescriptor writes an OVF 1.1 descriptor for a VM (VirtualSystem) or a vApp
// (VirtualSystemCollection) from its current configuration: CPU, memory, SCSI/IDE/SATA/NVMe
// controllers, disks (capacity, File references for cdp.ovfFile entries whose deviceId is the
// export lease key), NICs and their networks, and the vApp options (ProductSections with their
// properties, the OVF environment transport, vmw:IpAssignmentSection; productsection.go) of the
// VM and of the vApp. Password property values are not written.
//
// @see vim.OvfManager.createDescriptor
func (m *ovfManager) CreateDescriptor(ctx *simulator.Context, req *types.CreateDescriptor) soap.HasFault {
	body := new(methods.CreateDescriptorBody)
	w := &descWriter{files: req.Cdp.OvfFiles, fileIDs: map[string]string{}}
	var content string
	switch e := simulator.Map.Get(req.Obj).(type) {
	case *simulator.VirtualMachine:
		name := req.Cdp.Name
		if name == "" {
			name = e.Name
		}
		content = w.system(e, name)
	case *simulator.VirtualApp:
		name := req.Cdp.Name
		if name == "" {
			name = e.Name
		}
		var b strings.Builder
		fmt.Fprintf(&b, "  <VirtualSystemCollection ovf:id=\"%s\">\n    <Info>A vApp</Info>\n    <Name>%s</Name>\n", esc(name), esc(name))
		var opts *types.VmConfigInfo
		annotation := req.Cdp.Description
		if e.VAppConfig != nil {
			opts = &e.VAppConfig.VmConfigInfo
			if annotation == "" {
				annotation = e.VAppConfig.Annotation
			}
		}
		if annotation != "" {
			fmt.Fprintf(&b, "    <AnnotationSection>\n      <Info>A human-readable annotation</Info>\n      <Annotation>%s</Annotation>\n    </AnnotationSection>\n", esc(annotation))
		}
		// The vApp's own options: sections come before the child VirtualSystems (DSP0243 Content_Type).
		writeProductSections(&b, opts, "    ")
		writeIpAssignmentSection(&b, opts, "    ")
		for _, ref := range vappVMs(e) {
			if vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok {
				b.WriteString(w.system(vm, vm.Name))
			}
		}
		b.WriteString("  </VirtualSystemCollection>\n")
		content = b.String()
	default:
		body.Fault_ = notFound(req.Obj)
		return body
	}

	var out strings.Builder
	out.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	out.WriteString(`<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + "\n")
	out.WriteString("  <References>\n")
	for i, f := range req.Cdp.OvfFiles {
		id := fmt.Sprintf("file%d", i+1)
		w.fileIDs[f.DeviceId] = id
		fmt.Fprintf(&out, "    <File ovf:id=\"%s\" ovf:href=\"%s\" ovf:size=\"%d\"/>\n", id, esc(f.Path), f.Size)
	}
	out.WriteString("  </References>\n")
	out.WriteString("  <DiskSection>\n    <Info>Virtual disk information</Info>\n")
	for _, d := range w.disks {
		ref := ""
		if id, ok := w.fileIDs[d.key]; ok {
			ref = fmt.Sprintf(" ovf:fileRef=\"%s\"", id)
		}
		fmt.Fprintf(&out, "    <Disk ovf:diskId=\"%s\" ovf:capacity=\"%d\" ovf:capacityAllocationUnits=\"byte\"%s ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n", d.id, d.capacityBytes, ref)
	}
	out.WriteString("  </DiskSection>\n")
	out.WriteString("  <NetworkSection>\n    <Info>The list of logical networks</Info>\n")
	nets := make([]string, 0, len(w.networks))
	for n := range w.networks {
		nets = append(nets, n)
	}
	sort.Strings(nets)
	for _, n := range nets {
		fmt.Fprintf(&out, "    <Network ovf:name=\"%s\">\n      <Description>The %s network</Description>\n    </Network>\n", esc(n), esc(n))
	}
	out.WriteString("  </NetworkSection>\n")
	out.WriteString(content)
	out.WriteString("</Envelope>\n")

	res := types.OvfCreateDescriptorResult{OvfDescriptor: out.String()}
	// A file the client lists that matches no device is a caller mistake worth reporting.
	for _, f := range req.Cdp.OvfFiles {
		found := false
		for _, d := range w.disks {
			if d.key == f.DeviceId {
				found = true
			}
		}
		if !found {
			res.Warning = append(res.Warning, types.LocalizedMethodFault{
				Fault:            &types.OvfInvalidValueReference{OvfInvalidValue: types.OvfInvalidValue{OvfAttribute: types.OvfAttribute{ElementName: "File", AttributeName: "deviceId"}, Value: f.DeviceId}},
				LocalizedMessage: fmt.Sprintf("No device with key %q: the file %s is not referenced by any disk.", f.DeviceId, f.Path),
			})
		}
	}
	body.Res = &types.CreateDescriptorResponse{Returnval: res}
	return body
}

type descDisk struct {
	id            string
	key           string
	capacityBytes int64
}

type descWriter struct {
	files    []types.OvfFile
	fileIDs  map[string]string
	disks    []descDisk
	networks map[string]bool
}

func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	return r.Replace(s)
}

func (w *descWriter) system(vm *simulator.VirtualMachine, name string) string {
	if w.networks == nil {
		w.networks = map[string]bool{}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  <VirtualSystem ovf:id=\"%s\">\n    <Info>A virtual machine</Info>\n    <Name>%s</Name>\n", esc(name), esc(name))
	guest := ""
	version := "vmx-13"
	cpus, memMB := int32(1), int64(0)
	if c := vm.Config; c != nil {
		guest = c.GuestId
		if c.Version != "" {
			version = c.Version
		}
		cpus, memMB = c.Hardware.NumCPU, int64(c.Hardware.MemoryMB)
		if c.Annotation != "" {
			fmt.Fprintf(&b, "    <AnnotationSection>\n      <Info>A human-readable annotation</Info>\n      <Annotation>%s</Annotation>\n    </AnnotationSection>\n", esc(c.Annotation))
		}
	}
	fmt.Fprintf(&b, "    <OperatingSystemSection ovf:id=\"1\" vmw:osType=\"%s\">\n      <Info>The kind of installed guest operating system</Info>\n    </OperatingSystemSection>\n", esc(guest))
	var opts *types.VmConfigInfo
	if vm.Config != nil && vm.Config.VAppConfig != nil {
		opts = vm.Config.VAppConfig.GetVmConfigInfo()
	}
	fmt.Fprintf(&b, "    <VirtualHardwareSection%s>\n      <Info>Virtual hardware requirements</Info>\n", transportAttr(opts))
	fmt.Fprintf(&b, "      <System>\n        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>\n        <vssd:InstanceID>0</vssd:InstanceID>\n        <vssd:VirtualSystemIdentifier>%s</vssd:VirtualSystemIdentifier>\n        <vssd:VirtualSystemType>%s</vssd:VirtualSystemType>\n      </System>\n", esc(name), esc(version))
	id := 1
	item := func(fields string) {
		fmt.Fprintf(&b, "      <Item>\n%s      </Item>\n", fields)
	}
	item(fmt.Sprintf("        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>\n        <rasd:Description>Number of Virtual CPUs</rasd:Description>\n        <rasd:ElementName>%d virtual CPU(s)</rasd:ElementName>\n        <rasd:InstanceID>%d</rasd:InstanceID>\n        <rasd:ResourceType>3</rasd:ResourceType>\n        <rasd:VirtualQuantity>%d</rasd:VirtualQuantity>\n", cpus, id, cpus))
	id++
	item(fmt.Sprintf("        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n        <rasd:Description>Memory Size</rasd:Description>\n        <rasd:ElementName>%dMB of memory</rasd:ElementName>\n        <rasd:InstanceID>%d</rasd:InstanceID>\n        <rasd:ResourceType>4</rasd:ResourceType>\n        <rasd:VirtualQuantity>%d</rasd:VirtualQuantity>\n", memMB, id, memMB))
	id++

	var devices object.VirtualDeviceList
	if vm.Config != nil {
		devices = object.VirtualDeviceList(vm.Config.Hardware.Device)
	}
	controllerID := map[int32]int{}
	for _, d := range devices {
		var rtype int
		var sub string
		switch c := d.(type) {
		case types.BaseVirtualSCSIController:
			rtype, sub = 6, devices.Type(d)
			_ = c
		case *types.VirtualIDEController:
			rtype = 5
		case *types.VirtualAHCIController:
			rtype, sub = 20, "vmware.sata.ahci"
		case *types.VirtualNVMEController:
			rtype, sub = 20, "vmware.nvme.controller"
		default:
			continue
		}
		bus := d.(types.BaseVirtualController).GetVirtualController().BusNumber
		controllerID[d.GetVirtualDevice().Key] = id
		fields := fmt.Sprintf("        <rasd:Address>%d</rasd:Address>\n        <rasd:ElementName>%s%d</rasd:ElementName>\n        <rasd:InstanceID>%d</rasd:InstanceID>\n", bus, devices.Type(d), bus, id)
		if sub != "" {
			fields += fmt.Sprintf("        <rasd:ResourceSubType>%s</rasd:ResourceSubType>\n", esc(sub))
		}
		fields += fmt.Sprintf("        <rasd:ResourceType>%d</rasd:ResourceType>\n", rtype)
		item(fields)
		id++
	}
	n := map[string]int{}
	for _, d := range devices {
		if _, ok := d.GetVirtualDevice().Backing.(types.BaseVirtualDeviceFileBackingInfo); ok {
			kind := devices.Type(d)
			i := n[kind]
			n[kind]++
			disk, ok := d.(*types.VirtualDisk)
			if !ok {
				continue
			}
			diskID := fmt.Sprintf("vmdisk%d", len(w.disks)+1)
			capacity := disk.CapacityInBytes
			if capacity == 0 {
				capacity = disk.CapacityInKB * 1024
			}
			w.disks = append(w.disks, descDisk{id: diskID, key: fmt.Sprintf("/%s/%s:%d", vm.Self.Value, kind, i), capacityBytes: capacity})
			unit := int32(0)
			if disk.UnitNumber != nil {
				unit = *disk.UnitNumber
			}
			item(fmt.Sprintf("        <rasd:AddressOnParent>%d</rasd:AddressOnParent>\n        <rasd:ElementName>Hard disk %d</rasd:ElementName>\n        <rasd:HostResource>ovf:/disk/%s</rasd:HostResource>\n        <rasd:InstanceID>%d</rasd:InstanceID>\n        <rasd:Parent>%d</rasd:Parent>\n        <rasd:ResourceType>17</rasd:ResourceType>\n",
				unit, i+1, diskID, id, controllerID[disk.ControllerKey]))
			id++
		}
	}
	nic := 0
	for _, d := range devices {
		card, ok := d.(types.BaseVirtualEthernetCard)
		if !ok {
			continue
		}
		network := "VM Network"
		switch bk := card.GetVirtualEthernetCard().Backing.(type) {
		case *types.VirtualEthernetCardNetworkBackingInfo:
			network = bk.DeviceName
		case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
			for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
				if pg, ok := e.(*simulator.DistributedVirtualPortgroup); ok && pg.Key == bk.Port.PortgroupKey {
					network = pg.Name
				}
			}
		}
		w.networks[network] = true
		nic++
		item(fmt.Sprintf("        <rasd:AddressOnParent>%d</rasd:AddressOnParent>\n        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>\n        <rasd:Connection>%s</rasd:Connection>\n        <rasd:ElementName>Network adapter %d</rasd:ElementName>\n        <rasd:InstanceID>%d</rasd:InstanceID>\n        <rasd:ResourceSubType>%s</rasd:ResourceSubType>\n        <rasd:ResourceType>10</rasd:ResourceType>\n",
			6+nic, esc(network), nic, id, nicSubType(d)))
		id++
	}
	if vm.Config != nil && vm.Config.Firmware == string(types.GuestOsDescriptorFirmwareTypeEfi) {
		b.WriteString("      <vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"efi\"/>\n")
	}
	b.WriteString("    </VirtualHardwareSection>\n")
	// After the hardware, as vCenter writes them.
	writeProductSections(&b, opts, "    ")
	writeIpAssignmentSection(&b, opts, "    ")
	b.WriteString("  </VirtualSystem>\n")
	return b.String()
}

// nicSubType is the rasd:ResourceSubType vCenter writes for an ethernet card.
func nicSubType(d types.BaseVirtualDevice) string {
	switch d.(type) {
	case *types.VirtualVmxnet3:
		return "VmxNet3"
	case *types.VirtualVmxnet2:
		return "VmxNet2"
	case *types.VirtualE1000e:
		return "E1000e"
	case *types.VirtualE1000:
		return "E1000"
	case *types.VirtualPCNet32:
		return "PCNet32"
	case *types.VirtualSriovEthernetCard:
		return "SriovEthernetCard"
	}
	return "E1000"
}
