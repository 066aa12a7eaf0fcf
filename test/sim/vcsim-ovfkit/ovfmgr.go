package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// ovfManager wraps vcsim's OvfManager (same MoRef) with ParseDescriptor, ValidateHost and
// CreateDescriptor, which 0.24.2 lacks, and with a CreateImportSpec that also handles a
// VirtualSystemCollection (multi-VM vApp) and survives hostile descriptors.
//
// @see vim.OvfManager
type ovfManager struct {
	simulator.OvfManager // by value: the PropertyCollector digs the mo type out of field 0
	x                    *extensions
}

// descriptor is the part of an OVF envelope our OvfManager methods read. Elements and
// attributes match by local name, so any namespace prefix works.
type descriptor struct {
	References []ovf.File                   `xml:"References>File"`
	Disk       *ovf.DiskSection             `xml:"DiskSection"`
	Network    *ovf.NetworkSection          `xml:"NetworkSection"`
	Deployment *ovf.DeploymentOptionSection `xml:"DeploymentOptionSection"`
	Eula       []ovf.EulaSection            `xml:"EulaSection"`
	System     *virtualSystem               `xml:"VirtualSystem"`
	Collection *virtualSystemCollection     `xml:"VirtualSystemCollection"`
}

type virtualSystem struct {
	ovf.VirtualSystem
	IPAssignment *ipAssignment `xml:"IpAssignmentSection"`
}

type virtualSystemCollection struct {
	ovf.Content
	Annotation   []ovf.AnnotationSection   `xml:"AnnotationSection"`
	Product      []ovf.ProductSection      `xml:"ProductSection"`
	Eula         []ovf.EulaSection         `xml:"EulaSection"`
	IPAssignment *ipAssignment             `xml:"IpAssignmentSection"`
	Systems      []virtualSystem           `xml:"VirtualSystem"`
	Collections  []virtualSystemCollection `xml:"VirtualSystemCollection"`
}

type ipAssignment struct {
	Schemes   string `xml:"schemes,attr"`
	Protocols string `xml:"protocols,attr"`
}

func parseDescriptor(text string) (*descriptor, error) {
	var d descriptor
	dec := xml.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if d.System == nil && d.Collection == nil {
		return nil, fmt.Errorf("the envelope has neither a VirtualSystem nor a VirtualSystemCollection")
	}
	return &d, nil
}

func xmlFormatError(err error) types.LocalizedMethodFault {
	msg := "Failed to parse the OVF descriptor: " + err.Error()
	return types.LocalizedMethodFault{Fault: &types.OvfXmlFormat{Description: err.Error()}, LocalizedMessage: msg}
}

func capacityBytes(d ovf.VirtualDiskDesc) int64 {
	return ovfDiskCapacityKB(&d) * 1024
}

// ovfDiskCapacityKB is vcsim's unit handling ("byte * 2^30"), returning KB.
func ovfDiskCapacityKB(disk *ovf.VirtualDiskDesc) int64 {
	b, _ := strconv.ParseUint(disk.Capacity, 10, 64)
	if disk.CapacityAllocationUnits == nil {
		return int64(b / 1024)
	}
	c := strings.Fields(strings.Replace(*disk.CapacityAllocationUnits, "*", " * ", 1))
	if len(c) == 3 && c[0] == "byte" && c[1] == "*" {
		p := strings.Split(c[2], "^")
		x, _ := strconv.ParseUint(p[0], 10, 64)
		if len(p) == 2 {
			y, _ := strconv.ParseUint(p[1], 10, 64)
			for i := uint64(0); i < y; i++ {
				b *= x
			}
		} else {
			b *= x
		}
	}
	return int64(b / 1024)
}

func (d *descriptor) products() []ovf.ProductSection {
	if d.Collection != nil {
		return d.Collection.Product
	}
	return d.System.Product
}

func (d *descriptor) systems() []virtualSystem {
	if d.System != nil {
		return []virtualSystem{*d.System}
	}
	var out []virtualSystem
	var walk func(c *virtualSystemCollection)
	walk = func(c *virtualSystemCollection) {
		out = append(out, c.Systems...)
		for i := range c.Collections {
			walk(&c.Collections[i])
		}
	}
	walk(d.Collection)
	return out
}

func contentName(c ovf.Content) string {
	if c.Name != nil && strings.TrimSpace(*c.Name) != "" {
		return strings.TrimSpace(*c.Name)
	}
	return c.ID
}

// vappPropertyType maps an OVF property type and qualifiers to the vApp type syntax
// (string(1..63), int(0..100), string["a", "b"], password(8..), ip:net, …; productsection.go).
func vappPropertyType(p ovf.Property) string {
	return vappPropertyTypeOf(p)
}

// ParseDescriptor fills OvfParseDescriptorResult the way vCenter does for the sections it
// understands; a malformed descriptor comes back as error[] (OvfXmlFormat), not as a fault.
//
// @see vim.OvfManager.parseDescriptor
func (m *ovfManager) ParseDescriptor(ctx *simulator.Context, req *types.ParseDescriptor) soap.HasFault {
	m.x.descriptorReceived(ctx, "ParseDescriptor", req.OvfDescriptor)
	body := new(methods.ParseDescriptorBody)
	res := types.OvfParseDescriptorResult{}
	d, err := parseDescriptor(req.OvfDescriptor)
	if err != nil {
		res.Error = append(res.Error, xmlFormatError(err))
		body.Res = &types.ParseDescriptorResponse{Returnval: res}
		return body
	}
	for _, e := range d.Eula {
		res.Eula = append(res.Eula, strings.TrimSpace(e.License))
	}
	for _, vs := range d.systems() {
		for _, e := range vs.Eula {
			res.Eula = append(res.Eula, strings.TrimSpace(e.License))
		}
	}
	if d.Network != nil {
		for _, n := range d.Network.Networks {
			res.Network = append(res.Network, types.OvfNetworkInfo{Name: n.Name, Description: strings.TrimSpace(n.Description)})
		}
	}
	ip := (*ipAssignment)(nil)
	if d.System != nil {
		ip = d.System.IPAssignment
	} else {
		ip = d.Collection.IPAssignment
	}
	if ip != nil {
		res.IpAllocationScheme = splitList(ip.Schemes)
		res.IpProtocols = splitList(ip.Protocols)
	}
	key := int32(0)
	addProps := func(products []ovf.ProductSection) {
		for _, p := range products {
			class, instance := "", ""
			if p.Class != nil {
				class = *p.Class
			}
			if p.Instance != nil {
				instance = *p.Instance
			}
			for _, prop := range p.Property {
				info := types.VAppPropertyInfo{Key: key, ClassId: class, InstanceId: instance, Id: prop.Key, Type: vappPropertyType(prop)}
				key++
				if prop.Label != nil {
					info.Label = strings.TrimSpace(*prop.Label)
				}
				if prop.Description != nil {
					info.Description = strings.TrimSpace(*prop.Description)
				}
				if prop.Default != nil {
					info.DefaultValue = *prop.Default
				}
				if e, ok := expressionDefault(prop); ok && info.DefaultValue == "" {
					info.DefaultValue = e
				}
				info.UserConfigurable = types.NewBool(prop.UserConfigurable != nil && *prop.UserConfigurable)
				res.Property = append(res.Property, info)
			}
		}
	}
	addProps(d.products())
	if d.Collection != nil {
		for _, vs := range d.systems() {
			addProps(vs.Product)
		}
	}
	if ps := d.products(); len(ps) > 0 {
		p := ps[0]
		res.ProductInfo = &types.VAppProductInfo{Name: p.Product, Vendor: p.Vendor, Version: p.Version, FullVersion: p.FullVersion, VendorUrl: p.VendorURL, ProductUrl: p.ProductURL, AppUrl: p.AppURL}
		if p.Class != nil {
			res.ProductInfo.ClassId = *p.Class
		}
		if p.Instance != nil {
			res.ProductInfo.InstanceId = *p.Instance
		}
	}
	if d.System != nil {
		if len(d.System.Annotation) > 0 {
			res.Annotation = strings.TrimSpace(d.System.Annotation[0].Annotation)
		}
		res.DefaultEntityName = contentName(d.System.Content)
	} else {
		if len(d.Collection.Annotation) > 0 {
			res.Annotation = strings.TrimSpace(d.Collection.Annotation[0].Annotation)
		}
		res.DefaultEntityName = contentName(d.Collection.Content)
		res.VirtualApp = true
		for _, vs := range d.Collection.Systems {
			res.EntityName = append(res.EntityName, types.KeyValue{Key: contentName(vs.Content), Value: vs.ID})
		}
	}
	var download, flat, sparse int64
	for _, f := range d.References {
		download += int64(f.Size)
	}
	if d.Disk != nil {
		for _, disk := range d.Disk.Disks {
			flat += capacityBytes(disk)
			if disk.PopulatedSize != nil {
				sparse += int64(*disk.PopulatedSize)
			} else if disk.FileRef != nil {
				for _, f := range d.References {
					if f.ID == *disk.FileRef {
						sparse += int64(f.Size)
					}
				}
			}
		}
	}
	res.ApproximateDownloadSize, res.ApproximateFlatDeploymentSize, res.ApproximateSparseDeploymentSize = download, flat, sparse
	if d.Deployment != nil {
		for _, c := range d.Deployment.Configuration {
			res.DeploymentOption = append(res.DeploymentOption, types.OvfDeploymentOption{Key: c.ID, Label: strings.TrimSpace(c.Label), Description: strings.TrimSpace(c.Description)})
			if c.Default != nil && *c.Default && res.DefaultDeploymentOption == "" {
				res.DefaultDeploymentOption = c.ID
			}
		}
		if res.DefaultDeploymentOption == "" && len(d.Deployment.Configuration) > 0 {
			res.DefaultDeploymentOption = d.Deployment.Configuration[0].ID
		}
	}
	body.Res = &types.ParseDescriptorResponse{Returnval: res}
	return body
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

// ValidateHost reports sizes and whether the host can run the package's virtual hardware
// (memory and CPU against the host's hardware).
//
// @see vim.OvfManager.validateHost
func (m *ovfManager) ValidateHost(ctx *simulator.Context, req *types.ValidateHost) soap.HasFault {
	m.x.descriptorReceived(ctx, "ValidateHost", req.OvfDescriptor)
	body := new(methods.ValidateHostBody)
	host, ok := simulator.Map.Get(req.Host).(*simulator.HostSystem)
	if !ok {
		body.Fault_ = notFound(req.Host)
		return body
	}
	res := types.OvfValidateHostResult{
		SupportedDiskProvisioning: []string{"monolithicSparse", "monolithicFlat", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "thin", "thick", "sparse", "flat", "seSparse", "eagerZeroedThick"},
	}
	d, err := parseDescriptor(req.OvfDescriptor)
	if err != nil {
		res.Error = append(res.Error, xmlFormatError(err))
		body.Res = &types.ValidateHostResponse{Returnval: res}
		return body
	}
	for _, f := range d.References {
		res.DownloadSize += int64(f.Size)
	}
	if d.Disk != nil {
		for _, disk := range d.Disk.Disks {
			res.FlatDeploymentSize += capacityBytes(disk)
			if disk.PopulatedSize != nil {
				res.SparseDeploymentSize += int64(*disk.PopulatedSize)
			}
		}
	}
	var hostMemMB, hostCPUs int64
	if hw := host.Hardware; hw != nil {
		hostMemMB = hw.MemorySize / (1 << 20)
		hostCPUs = int64(hw.CpuInfo.NumCpuThreads)
	}
	option := req.Vhp.DeploymentOption
	for _, vs := range d.systems() {
		for _, hw := range vs.VirtualHardware {
			for _, item := range hw.Item {
				if item.ResourceType == nil || item.VirtualQuantity == nil {
					continue
				}
				if option != "" && item.Configuration != nil && *item.Configuration != option {
					continue
				}
				q := int64(*item.VirtualQuantity)
				switch *item.ResourceType {
				case 3:
					if hostCPUs > 0 && q > hostCPUs {
						res.Error = append(res.Error, constraint(fmt.Sprintf("%s needs %d virtual CPUs; the host has %d", contentName(vs.Content), q, hostCPUs), strconv.FormatInt(q, 10)))
					}
				case 4:
					if hostMemMB > 0 && q > hostMemMB {
						res.Error = append(res.Error, constraint(fmt.Sprintf("%s needs %d MB of memory; the host has %d MB", contentName(vs.Content), q, hostMemMB), strconv.FormatInt(q, 10)))
					}
				}
			}
		}
	}
	body.Res = &types.ValidateHostResponse{Returnval: res}
	return body
}

func constraint(msg, value string) types.LocalizedMethodFault {
	return types.LocalizedMethodFault{Fault: &types.OvfHostResourceConstraint{Value: value}, LocalizedMessage: msg}
}

// CreateImportSpec: a VirtualSystemCollection becomes a VirtualAppImportSpec whose children
// are vcsim's VirtualMachineImportSpecs for each VirtualSystem (vcsim 0.24.2 only reads a single
// top-level VirtualSystem and panics on a collection); vcsim panics on malformed hardware
// items become error[] entries.
//
// @see vim.OvfManager.createImportSpec
func (m *ovfManager) CreateImportSpec(ctx *simulator.Context, req *types.CreateImportSpec) (result soap.HasFault) {
	m.x.descriptorReceived(ctx, "CreateImportSpec", req.OvfDescriptor)
	d, err := parseDescriptor(req.OvfDescriptor)
	if err != nil {
		return &methods.CreateImportSpecBody{Res: &types.CreateImportSpecResponse{Returnval: types.OvfCreateImportSpecResult{Error: []types.LocalizedMethodFault{xmlFormatError(err)}}}}
	}
	if d.System != nil {
		if req.Cisp.EntityName == "" {
			req.Cisp.EntityName = contentName(d.System.Content)
		}
		return m.createImportSpecVM(ctx, req)
	}
	ranges, err := systemRanges(req.OvfDescriptor)
	if err != nil || len(ranges) == 0 {
		if err == nil {
			err = fmt.Errorf("the VirtualSystemCollection has no VirtualSystem")
		}
		return &methods.CreateImportSpecBody{Res: &types.CreateImportSpecResponse{Returnval: types.OvfCreateImportSpecResult{Error: []types.LocalizedMethodFault{xmlFormatError(err)}}}}
	}
	name := req.Cisp.EntityName
	if name == "" {
		name = contentName(d.Collection.Content)
	}
	app := &types.VirtualAppImportSpec{Name: name, ResourcePoolSpec: types.DefaultResourceConfigSpec()}
	if len(d.Collection.Product) > 0 {
		p := d.Collection.Product[0]
		app.VAppConfigSpec.Product = []types.VAppProductSpec{{ArrayUpdateSpec: types.ArrayUpdateSpec{Operation: types.ArrayUpdateOperationAdd}, Info: &types.VAppProductInfo{Name: p.Product, Vendor: p.Vendor, Version: p.Version, FullVersion: p.FullVersion}}}
	}
	if len(d.Collection.Annotation) > 0 {
		app.VAppConfigSpec.Annotation = strings.TrimSpace(d.Collection.Annotation[0].Annotation)
	}
	app.VAppConfigSpec.VmConfigSpec = collectionVmConfigSpec(d.Collection, req.Cisp) // vappconfig.go
	// Categories of the collection's own properties (productsection.go).
	withCategories(&app.VAppConfigSpec.VmConfigSpec, req.OvfDescriptor, "VirtualSystemCollection")
	out := types.OvfCreateImportSpecResult{}
	start, end := ranges[0].collectionStart, ranges[0].collectionEnd
	for _, r := range ranges {
		child := *req
		cisp := req.Cisp
		cisp.EntityName = r.name
		child.Cisp = cisp
		child.OvfDescriptor = req.OvfDescriptor[:start] + req.OvfDescriptor[r.start:r.end] + req.OvfDescriptor[end:]
		res := m.createImportSpecVM(ctx, &child)
		if f := res.Fault(); f != nil {
			return res
		}
		cr := res.(*methods.CreateImportSpecBody).Res.Returnval
		out.FileItem = append(out.FileItem, cr.FileItem...)
		out.Warning = append(out.Warning, cr.Warning...)
		out.Error = append(out.Error, cr.Error...)
		if cr.ImportSpec != nil {
			app.Child = append(app.Child, cr.ImportSpec)
		}
	}
	if len(out.Error) == 0 {
		out.ImportSpec = app
	}
	return &methods.CreateImportSpecBody{Res: &types.CreateImportSpecResponse{Returnval: out}}
}

// createImportSpecVM runs vcsim's CreateImportSpec, turning its panics on odd input into error[].
func (m *ovfManager) createImportSpecVM(ctx *simulator.Context, req *types.CreateImportSpec) (result soap.HasFault) {
	defer func() {
		if p := recover(); p != nil {
			result = &methods.CreateImportSpecBody{Res: &types.CreateImportSpecResponse{Returnval: types.OvfCreateImportSpecResult{
				Error: []types.LocalizedMethodFault{{Fault: &types.OvfXmlFormat{Description: fmt.Sprint(p)}, LocalizedMessage: fmt.Sprintf("The simulator could not map this descriptor's virtual hardware: %v", p)}},
			}}}
		}
	}()
	res := m.OvfManager.CreateImportSpec(ctx, req)
	withImportVAppConfig(req, res) // vappconfig.go
	if body, ok := res.(*methods.CreateImportSpecBody); ok && body.Res != nil && len(body.Res.Returnval.Error) > 0 {
		body.Res.Returnval.ImportSpec = nil // vCenter: no importSpec when error[] is set
	}
	return res
}

// systemRange is the byte range of one VirtualSystem inside the top VirtualSystemCollection.
type systemRange struct {
	name                           string
	start, end                     int
	collectionStart, collectionEnd int
}

// systemRanges finds each VirtualSystem under the top-level VirtualSystemCollection (nested
// collections are flattened) by byte offsets, so each can be handed to vcsim as its own
// single-system descriptor under the same Envelope (keeping the namespace declarations).
func systemRanges(text string) ([]systemRange, error) {
	dec := xml.NewDecoder(strings.NewReader(text))
	var out []systemRange
	depth, collStart, collDepth := 0, -1, -1
	for {
		offset := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "VirtualSystemCollection" && collStart < 0 {
				collStart, collDepth = offset, depth
			} else if t.Name.Local == "VirtualSystem" && collStart >= 0 {
				var vs virtualSystem
				if err := dec.DecodeElement(&vs, &t); err != nil {
					return nil, err
				}
				depth--
				out = append(out, systemRange{name: contentName(vs.Content), start: offset, end: int(dec.InputOffset())})
			}
		case xml.EndElement:
			if t.Name.Local == "VirtualSystemCollection" && depth == collDepth {
				end := int(dec.InputOffset())
				for i := range out {
					out[i].collectionStart, out[i].collectionEnd = collStart, end
				}
				return out, nil
			}
			depth--
		}
	}
	return out, nil
}

var _ = bytes.MinRead
