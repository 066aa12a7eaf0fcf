package main

import (
	"fmt"
	"reflect"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// envBrowser answers the EnvironmentBrowser queries the way a real host does: one full
// VirtualMachineConfigOption (hardwareOptions with vCPU/memory maxima, the device classes and
// their per-VM counts, guest OS descriptors with firmware and secure boot) per hardware version
// it can create, and a ConfigTarget with the host's memory maximum. vcsim 0.24.2 answers
// QueryConfigOptionEx with a guest id list and zeroes only.
//
// THE NUMBERS ARE SYNTHETIC ON PURPOSE: every maximum below differs from every built-in ovfkit
// host profile (packages/core/src/hostprofiles/builtin.ts) — vCPU and memory maxima, device
// counts, the first hardware version with NVMe, EFI and secure boot, guests with a minimum
// hardware version — so a test can tell a fact read from the host from a built-in one.
// They are not any real ESXi release's.
type envBrowser struct {
	simulator.EnvironmentBrowser
}

// synthHardware is one hardware version the synthetic host offers.
type synthHardware struct {
	version  int32
	maxCPUs  int32
	maxMemMB int64
}

var (
	// Ascending. vmx-13 allows fewer vCPUs than vmx-11 (and than the built-in 128), vmx-11 more
	// than the built-in 128: one descriptor the built-in profile accepts and the host rejects,
	// and one the other way round.
	synthVersions = []synthHardware{
		{version: 9, maxCPUs: 40, maxMemMB: 917504},
		{version: 10, maxCPUs: 72, maxMemMB: 1966080},
		{version: 11, maxCPUs: 144, maxMemMB: 3932160},
		{version: 13, maxCPUs: 112, maxMemMB: 7340032},
	}
	synthDefaultVersion int32 = 11
	// A version the host runs but cannot create VMs with (createSupported=false).
	synthRunOnlyVersion int32 = 8
	// ConfigTarget.supportedMaxMemMB: caps vmx-13's 7 TB at 6.5 TB.
	synthSupportedMaxMemMB int32 = 6815744
	synthEfiFrom           int32 = 10
	synthSecureBootFrom    int32 = 11
	// Guests the host offers only from a hardware version on.
	synthGuestFrom = map[string]int32{"windows9_64Guest": 11, "windows9Server64Guest": 13}
	// Device classes and the first hardware version with each (0 = all); VirtualVmxnet is not
	// offered at all, VirtualVmxnet2 only up to vmx-10.
	synthDevices = []struct {
		device string
		from   int32
		until  int32
	}{
		{"VirtualIDEController", 0, 0}, {"VirtualLsiLogicController", 0, 0}, {"VirtualBusLogicController", 0, 0},
		{"VirtualLsiLogicSASController", 0, 0}, {"ParaVirtualSCSIController", 0, 0}, {"VirtualAHCIController", 11, 0},
		{"VirtualNVMEController", 11, 0}, {"VirtualE1000", 0, 0}, {"VirtualE1000e", 0, 0}, {"VirtualPCNet32", 0, 0},
		{"VirtualVmxnet2", 0, 10}, {"VirtualVmxnet3", 0, 0}, {"VirtualSriovEthernetCard", 11, 0},
		{"VirtualVmxnet3Vrdma", 13, 0}, {"VirtualFloppy", 0, 0}, {"VirtualCdrom", 0, 0}, {"VirtualDisk", 0, 0},
		{"VirtualMachineVideoCard", 0, 0}, {"VirtualSerialPort", 0, 0}, {"VirtualParallelPort", 0, 0},
		{"VirtualEnsoniq1371", 0, 0}, {"VirtualSoundBlaster16", 0, 0}, {"VirtualHdAudioCard", 0, 0},
		{"VirtualUSBController", 0, 0}, {"VirtualUSBXHCIController", 0, 0}, {"VirtualMachineVMCIDevice", 0, 0},
	}
)

// wrapEnvironmentBrowsers replaces every compute resource's EnvironmentBrowser (same MoRef) with
// envBrowser. Nothing in vcsim type-asserts *EnvironmentBrowser.
func wrapEnvironmentBrowsers() {
	for _, kind := range []string{"ComputeResource", "ClusterComputeResource"} {
		for _, e := range simulator.Map.All(kind) {
			var ref *types.ManagedObjectReference
			switch c := e.(type) {
			case *mo.ComputeResource:
				ref = c.EnvironmentBrowser
			case *simulator.ClusterComputeResource:
				ref = c.EnvironmentBrowser
			}
			if ref == nil {
				continue
			}
			if b, ok := simulator.Map.Get(*ref).(*simulator.EnvironmentBrowser); ok {
				simulator.Map.Put(&envBrowser{EnvironmentBrowser: *b})
			}
		}
	}
}

func vmxKey(v int32) string { return fmt.Sprintf("vmx-%02d", v) }

func (b *envBrowser) QueryConfigOptionDescriptor(ctx *simulator.Context, req *types.QueryConfigOptionDescriptor) soap.HasFault {
	var hosts []types.ManagedObjectReference
	if res, ok := b.EnvironmentBrowser.QueryConfigOptionDescriptor(ctx, req).(*methods.QueryConfigOptionDescriptorBody); ok && res.Res != nil && len(res.Res.Returnval) > 0 {
		hosts = res.Res.Returnval[0].Host
	}
	body := &methods.QueryConfigOptionDescriptorBody{Res: new(types.QueryConfigOptionDescriptorResponse)}
	body.Res.Returnval = append(body.Res.Returnval, types.VirtualMachineConfigOptionDescriptor{
		Key: vmxKey(synthRunOnlyVersion), Description: "ESX/ESXi 3.5 and later (run only)", Host: hosts,
		CreateSupported: types.NewBool(false), DefaultConfigOption: types.NewBool(false), RunSupported: types.NewBool(true), UpgradeSupported: types.NewBool(true),
	})
	for _, hw := range synthVersions {
		keyHosts := hosts
		// A mixed cluster: its last host cannot create the newest version (the key lists the
		// hosts that support it; a standalone host's browser lists just that host).
		if hw.version == synthVersions[len(synthVersions)-1].version && len(hosts) > 1 {
			keyHosts = hosts[:len(hosts)-1]
		}
		body.Res.Returnval = append(body.Res.Returnval, types.VirtualMachineConfigOptionDescriptor{
			Key: vmxKey(hw.version), Description: fmt.Sprintf("synthetic vmx-%02d", hw.version), Host: keyHosts,
			CreateSupported: types.NewBool(true), DefaultConfigOption: types.NewBool(hw.version == synthDefaultVersion),
			RunSupported: types.NewBool(true), UpgradeSupported: types.NewBool(true),
		})
	}
	return body
}

// configOption is the full answer for one hardware version key ("" = the default), or nil for a
// key the host does not know.
func configOption(key string, guestIds []string) *types.VirtualMachineConfigOption {
	if key == "" {
		key = vmxKey(synthDefaultVersion)
	}
	var hw *synthHardware
	for i := range synthVersions {
		if vmxKey(synthVersions[i].version) == key {
			hw = &synthVersions[i]
		}
	}
	if hw == nil {
		return nil
	}
	v := hw.version
	numCPU := make([]int32, 0, hw.maxCPUs)
	for n := int32(1); n <= hw.maxCPUs; n++ {
		numCPU = append(numCPU, n)
	}
	intOpt := func(max int32) types.IntOption { return types.IntOption{Min: 0, Max: max, DefaultValue: 0} }
	ptr := func(o types.IntOption) *types.IntOption { return &o }
	opts := []types.BaseVirtualDeviceOption{
		&types.VirtualPCIControllerOption{
			VirtualControllerOption:       types.VirtualControllerOption{VirtualDeviceOption: types.VirtualDeviceOption{Type: "VirtualPCIController"}, Devices: intOpt(32)},
			NumSCSIControllers:            intOpt(3),
			NumEthernetCards:              intOpt(7),
			NumVideoCards:                 intOpt(2),
			NumSoundCards:                 intOpt(2),
			NumVmiRoms:                    intOpt(0),
			NumVmciDevices:                ptr(intOpt(2)),
			NumSasSCSIControllers:         ptr(intOpt(3)),
			NumVmxnet3EthernetCards:       ptr(intOpt(9)),
			NumParaVirtualSCSIControllers: ptr(intOpt(5)),
			NumSATAControllers:            ptr(intOpt(3)),
			NumNVMEControllers:            ptr(intOpt(2)),
			NumVmxnet3VrdmaEthernetCards:  ptr(intOpt(6)),
		},
		&types.VirtualSIOControllerOption{
			VirtualControllerOption: types.VirtualControllerOption{VirtualDeviceOption: types.VirtualDeviceOption{Type: "VirtualSIOController"}, Devices: intOpt(9)},
			NumFloppyDrives:         intOpt(1),
			NumSerialPorts:          intOpt(6),
			NumParallelPorts:        intOpt(2),
		},
	}
	for _, d := range synthDevices {
		if v >= d.from && (d.until == 0 || v <= d.until) {
			opts = append(opts, deviceOption(d.device))
		}
	}
	opt := &types.VirtualMachineConfigOption{
		Version:     key,
		Description: fmt.Sprintf("synthetic host, hardware version %d", v),
		HardwareOptions: types.VirtualHardwareOption{
			HwVersion:             v,
			VirtualDeviceOption:   opts,
			NumCPU:                numCPU,
			NumCoresPerSocket:     &types.IntOption{Min: 1, Max: hw.maxCPUs, DefaultValue: 1},
			MemoryMB:              types.LongOption{Min: 4, Max: hw.maxMemMB, DefaultValue: 1024},
			NumPCIControllers:     intOpt(1),
			NumIDEControllers:     intOpt(3),
			NumUSBControllers:     intOpt(2),
			NumUSBXHCIControllers: ptr(intOpt(2)),
			NumSIOControllers:     intOpt(1),
			NumPS2Controllers:     intOpt(1),
		},
		SupportedMonitorType: []string{"release"},
	}
	want := map[string]bool{}
	for _, id := range guestIds {
		want[id] = true
	}
	// QueryConfigOptionEx: "If guestId is nonempty, the guestOSDescriptor array of the config
	// option is filtered to match against the guest IDs in the spec. If there is no match, the
	// whole list is returned."
	for _, all := range []bool{len(want) == 0, true} {
		for _, gid := range simulator.GuestID {
			id := string(gid)
			if from, ok := synthGuestFrom[id]; ok && v < from {
				continue
			}
			if all || want[id] {
				opt.GuestOSDescriptor = append(opt.GuestOSDescriptor, guestDescriptor(id, v, hw))
			}
		}
		if len(opt.GuestOSDescriptor) > 0 {
			break
		}
	}
	return opt
}

func guestDescriptor(id string, v int32, hw *synthHardware) types.GuestOsDescriptor {
	firmware := []string{"bios"}
	if v >= synthEfiFrom {
		firmware = append(firmware, "efi")
	}
	return types.GuestOsDescriptor{
		Id:                  id,
		Family:              guestFamilyOf(id),
		FullName:            id,
		SupportedMaxCPUs:    hw.maxCPUs / 2,
		SupportedMinMemMB:   36,
		SupportedMaxMemMB:   int32(hw.maxMemMB / 2),
		RecommendedMemMB:    2048,
		SupportedFirmware:   firmware,
		RecommendedFirmware: firmware[len(firmware)-1],
		SupportsSecureBoot:  types.NewBool(v >= synthSecureBootFrom),
		SupportedForCreate:  types.NewBool(true),
	}
}

func guestFamilyOf(id string) string {
	switch {
	case len(id) >= 3 && id[:3] == "win":
		return string(types.VirtualMachineGuestOsFamilyWindowsGuest)
	case len(id) >= 6 && id[:6] == "darwin":
		return string(types.VirtualMachineGuestOsFamilyDarwinGuestFamily)
	default:
		return string(types.VirtualMachineGuestOsFamilyLinuxGuest)
	}
}

// deviceOption makes the vim25 option type of a device class (VirtualE1000 → VirtualE1000Option)
// with its `type` set, as real hosts send them.
func deviceOption(device string) types.BaseVirtualDeviceOption {
	name := device + "Option"
	if device == "VirtualMachineVideoCard" {
		name = "VirtualVideoCardOption"
	}
	if t, ok := types.TypeFunc()(name); ok {
		if o, ok := reflect.New(t).Interface().(types.BaseVirtualDeviceOption); ok {
			o.GetVirtualDeviceOption().Type = device
			return o
		}
	}
	return &types.VirtualDeviceOption{Type: device}
}

func unknownKey(key string) soap.HasFault {
	return &methods.QueryConfigOptionExBody{Fault_: simulator.Fault(fmt.Sprintf("no configuration option %q", key), &types.InvalidArgument{InvalidProperty: "key"})}
}

func (b *envBrowser) QueryConfigOptionEx(req *types.QueryConfigOptionEx) soap.HasFault {
	var key string
	var guests []string
	if req.Spec != nil {
		key, guests = req.Spec.Key, req.Spec.GuestId
	}
	opt := configOption(key, guests)
	if opt == nil {
		return unknownKey(key)
	}
	return &methods.QueryConfigOptionExBody{Res: &types.QueryConfigOptionExResponse{Returnval: opt}}
}

// QueryConfigOption is the pre-6.0 form (key and host, no guest filter).
func (b *envBrowser) QueryConfigOption(req *types.QueryConfigOption) soap.HasFault {
	opt := configOption(req.Key, nil)
	if opt == nil {
		return &methods.QueryConfigOptionBody{Fault_: simulator.Fault(fmt.Sprintf("no configuration option %q", req.Key), &types.InvalidArgument{InvalidProperty: "key"})}
	}
	return &methods.QueryConfigOptionBody{Res: &types.QueryConfigOptionResponse{Returnval: opt}}
}

func (b *envBrowser) QueryConfigTarget(ctx *simulator.Context, req *types.QueryConfigTarget) soap.HasFault {
	res := b.EnvironmentBrowser.QueryConfigTarget(ctx, req)
	if body, ok := res.(*methods.QueryConfigTargetBody); ok && body.Res != nil && body.Res.Returnval != nil {
		body.Res.Returnval.SupportedMaxMemMB = synthSupportedMaxMemMB
	}
	return res
}
