package main

// ProductSection ↔ vApp options, both ways, so an import → export → import round trip keeps them:
//
//   - vappTypeOf maps an OVF Property's ovf:type + ovf:qualifiers (+ ovf:password) to the vApp type
//     syntax the way vCenter does (vsphere-ovf-api.md §4, the same rules as @ovfkit/core's
//     toVAppType): ranges and value maps are kept (`int(1..16)`, `string["a", "b"]`,
//     `password(8..)`, `ip:net`), not flattened to `int` / `string`;
//   - ovfPropertyOf is the way back for CreateDescriptor: vApp type → ovf:type + ovf:qualifiers;
//   - writeProductSections writes a VM's or vApp's products and properties as ProductSections
//     (one per product, its properties grouped under their class/instance, Category elements),
//     writeIpAssignmentSection its vmw:IpAssignmentSection.
//
// Password-typed values never leave through a descriptor: vCenter reads the value and defaultValue
// of a `password` property back as empty (vsphere-ovf-api.md §4 VAppPropertyInfo), so its
// CreateDescriptor has none to write; the Property is written with ovf:password="true" and no
// ovf:value. Whoever imports the package again gives the password again.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/ovf"
	"github.com/vmware/govmomi/vim25/types"
)

// xmlText escapes s for element text or an attribute value with encoding/xml: & < > " ' and also
// tab, newline and carriage return as character references (so an attribute keeps them instead of
// being normalised to spaces), characters XML cannot hold become U+FFFD.
func xmlText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// qualifier is one parsed ovf:qualifiers entry: `MaxLen(64)` → {MaxLen, [64]}, `ValueMap{"a","b"}` → {ValueMap, [a b]}.
type qualifier struct {
	name string
	args []string
}

// parseQualifiers splits `MinLen(1),MaxLen(64)` / `MinValue(1) MaxValue(10)` / `ValueMap{"a","b"}`;
// quoted arguments may contain commas and `\"`.
func parseQualifiers(text string) map[string]qualifier {
	out := map[string]qualifier{}
	i, n := 0, len(text)
	for i < n {
		for i < n && strings.ContainsRune(" ,\t\r\n", rune(text[i])) {
			i++
		}
		start := i
		for i < n && (text[i] == '_' || text[i] >= 'a' && text[i] <= 'z' || text[i] >= 'A' && text[i] <= 'Z' || text[i] >= '0' && text[i] <= '9') {
			i++
		}
		name := text[start:i]
		if name == "" {
			for i < n && text[i] != ',' && text[i] != ' ' {
				i++
			}
			continue
		}
		q := qualifier{name: name}
		if i < n && (text[i] == '(' || text[i] == '{') {
			closer := byte(')')
			if text[i] == '{' {
				closer = '}'
			}
			i++
			var cur strings.Builder
			inQuote, done := false, false
			for i < n {
				c := text[i]
				if inQuote {
					if c == '\\' && i+1 < n {
						cur.WriteByte(text[i+1])
						i += 2
						continue
					}
					if c == '"' {
						inQuote = false
					} else {
						cur.WriteByte(c)
					}
					i++
					continue
				}
				switch c {
				case '"':
					inQuote = true
				case ',':
					q.args = append(q.args, strings.TrimSpace(cur.String()))
					cur.Reset()
				case closer:
					q.args = append(q.args, strings.TrimSpace(cur.String()))
					done = true
				default:
					cur.WriteByte(c)
				}
				i++
				if done {
					break
				}
			}
			if !done {
				break
			}
			if len(q.args) == 1 && q.args[0] == "" {
				q.args = nil
			}
		}
		if _, seen := out[name]; !seen {
			out[name] = q // the first of a repeated qualifier is used
		}
	}
	return out
}

// expressionQualifiers are VMware's expression qualifiers and the `${…}` default each stands for.
var expressionQualifiers = []struct{ qualifier, key string }{
	{"VimIp", "vimIp"}, {"Net", "net"}, {"Netmask", "netmask"}, {"Gateway", "gateway"}, {"Subnet", "subnet"},
	{"AutoIp", "autoIp"}, {"DomainName", "domainName"}, {"SearchPath", "searchPath"}, {"HostPrefix", "hostPrefix"},
	{"Dns", "dns"}, {"HttpProxy", "httpProxy"},
}

var intTypes = map[string]bool{"uint8": true, "sint8": true, "uint16": true, "sint16": true, "uint32": true, "sint32": true, "uint64": true, "sint64": true, "int": true}

// vappTypeOf is the vApp type (VAppPropertyInfo.type) of an OVF Property.
//
// @see vsphere-ovf-api.md §4 (OVF → vApp type mapping), DSP0243 §9.5
func vappTypeOf(ovfType string, qualifiers string, password bool) string {
	q := parseQualifiers(qualifiers)
	t := strings.TrimSpace(ovfType)
	for _, e := range expressionQualifiers {
		if _, ok := q[e.qualifier]; ok {
			return "expression"
		}
	}
	if ip, ok := q["Ip"]; ok {
		if len(ip.args) > 0 && ip.args[0] != "" {
			return "ip:" + ip.args[0]
		}
		return "ip"
	}
	one := func(name string, integer bool) (string, bool) {
		x, ok := q[name]
		if !ok || len(x.args) != 1 {
			return "", false
		}
		if integer {
			v, err := strconv.ParseInt(strings.TrimSpace(x.args[0]), 10, 64)
			if err != nil {
				return "", false
			}
			return strconv.FormatInt(v, 10), true
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(x.args[0]), 64)
		if err != nil {
			return "", false
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	rng := func(base, lo, hi string) string {
		min, okMin := one(lo, true)
		max, okMax := one(hi, true)
		if base == "real" {
			min, okMin = one(lo, false)
			max, okMax = one(hi, false)
		}
		if okMin || okMax {
			return fmt.Sprintf("%s(%s..%s)", base, min, max)
		}
		return base
	}
	switch {
	case t == "string" || t == "password":
		if vm, ok := q["ValueMap"]; ok && !password && t == "string" {
			choices := make([]string, len(vm.args))
			for i, c := range vm.args {
				choices[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(c, `\`, `\\`), `"`, `\"`) + `"`
			}
			return "string[" + strings.Join(choices, ", ") + "]"
		}
		base := "string"
		if password || t == "password" {
			base = "password"
		}
		return rng(base, "MinLen", "MaxLen")
	case t == "boolean":
		return "boolean"
	case intTypes[t]:
		if _, min := q["MinValue"]; !min {
			if _, max := q["MaxValue"]; !max {
				if vm, ok := q["ValueMap"]; ok && len(vm.args) > 0 {
					var lo, hi int64
					for i, a := range vm.args {
						v, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
						if err != nil {
							return "int"
						}
						if i == 0 || v < lo {
							lo = v
						}
						if i == 0 || v > hi {
							hi = v
						}
					}
					return fmt.Sprintf("int(%d..%d)", lo, hi)
				}
			}
		}
		return rng("int", "MinValue", "MaxValue")
	case t == "real32" || t == "real64" || t == "real":
		return rng("real", "MinValue", "MaxValue")
	case t == "ip" || strings.HasPrefix(t, "ip:") || t == "expression":
		return t
	case t == "":
		return "string"
	}
	return t
}

// expressionDefault is the `${…}` default vCenter gives a property with an expression qualifier
// (`Net("VM Network")` → `${net:VM Network}`, `VimIp` → `${vimIp:}`), used when it has no value.
//
// @see vsphere-ovf-api.md §4 (`expression`)
func expressionDefault(p ovf.Property) (string, bool) {
	q := parseQualifiers(strOr(p.Qualifiers, ""))
	for _, e := range expressionQualifiers {
		if x, ok := q[e.qualifier]; ok {
			arg := ""
			if len(x.args) > 0 {
				arg = x.args[0]
			}
			return "${" + e.key + ":" + arg + "}", true
		}
	}
	return "", false
}

// vappPropertyTypeOf is vappTypeOf for a govmomi ovf.Property.
func vappPropertyTypeOf(p ovf.Property) string {
	return vappTypeOf(p.Type, strOr(p.Qualifiers, ""), p.Password != nil && *p.Password)
}

var (
	reStringType = regexp.MustCompile(`^(string|password)(?:\((\d*)\.\.(\d*)\))?$`)
	reChoiceType = regexp.MustCompile(`(?s)^string\[(.*)\]$`)
	reIntType    = regexp.MustCompile(`^int(?:\((-?\d*)\.\.(-?\d*)\))?$`)
	reRealType   = regexp.MustCompile(`^real(?:\(([-\d.eE+]*)\.\.([-\d.eE+]*)\))?$`)
	reIPType     = regexp.MustCompile(`(?s)^ip(?::(.*))?$`)
	reExpression = regexp.MustCompile(`(?s)^\$\{(\w+):(.*)\}$`)
	reChoiceSep  = regexp.MustCompile(`"\s*,\s*"`)
)

// ovfProperty is what CreateDescriptor writes for a vApp property type.
type ovfProperty struct {
	typ, qualifiers string
	password        bool
	// expression: the default is the expression (written as the qualifier), not a value.
	expression bool
}

// ovfPropertyOf maps a vApp type back to ovf:type + ovf:qualifiers (the inverse of vappTypeOf; the
// OVF integer width is not kept by vSphere, so `int` becomes sint32 and `real` real64).
//
// @see vsphere-ovf-api.md §4, DSP0243 §9.5
func ovfPropertyOf(vappType, defaultValue string) ovfProperty {
	t := strings.TrimSpace(vappType)
	if t == "" {
		t = "string"
	}
	rng := func(a, b, lo, hi string) string {
		var q []string
		if a != "" {
			q = append(q, lo+"("+a+")")
		}
		if b != "" {
			q = append(q, hi+"("+b+")")
		}
		return strings.Join(q, ",")
	}
	if t == "expression" {
		// `${net:VM Network}` → Net("VM Network"), `${vimIp:}` → VimIp.
		m := reExpression.FindStringSubmatch(defaultValue)
		if m == nil {
			return ovfProperty{typ: "string", expression: true}
		}
		name := strings.ToUpper(m[1][:1]) + m[1][1:]
		if m[2] != "" {
			return ovfProperty{typ: "string", qualifiers: name + `("` + m[2] + `")`, expression: true}
		}
		return ovfProperty{typ: "string", qualifiers: name, expression: true}
	}
	if m := reStringType.FindStringSubmatch(t); m != nil {
		return ovfProperty{typ: "string", qualifiers: rng(m[2], m[3], "MinLen", "MaxLen"), password: m[1] == "password"}
	}
	if m := reChoiceType.FindStringSubmatch(t); m != nil {
		return ovfProperty{typ: "string", qualifiers: "ValueMap{" + reChoiceSep.ReplaceAllString(m[1], `","`) + "}"}
	}
	if m := reIntType.FindStringSubmatch(t); m != nil {
		return ovfProperty{typ: "sint32", qualifiers: rng(m[1], m[2], "MinValue", "MaxValue")}
	}
	if m := reRealType.FindStringSubmatch(t); m != nil {
		return ovfProperty{typ: "real64", qualifiers: rng(m[1], m[2], "MinValue", "MaxValue")}
	}
	if t == "boolean" {
		return ovfProperty{typ: "boolean"}
	}
	if m := reIPType.FindStringSubmatch(t); m != nil {
		if m[1] != "" {
			return ovfProperty{typ: "string", qualifiers: `Ip("` + m[1] + `")`}
		}
		return ovfProperty{typ: "string", qualifiers: "Ip"}
	}
	return ovfProperty{typ: "string"}
}

// productSectionKey is a ProductSection's identity: DSP0243 wants ovf:class + ovf:instance unique.
type productSectionKey struct{ class, instance string }

// writeProductSections writes cfg's products and properties as ProductSections, each line
// prefixed by indent: one per product (class/instance), carrying the properties of that
// class/instance; properties whose class/instance no product has get a section of their own.
// Properties with a category come after those without, grouped under a Category element per
// category (in the order each category first appears): a Category applies to every Property
// after it, so an uncategorised property may not follow one.
//
// @see DSP0243 §9.5 ProductSection, vim.vApp.ProductInfo, vim.vApp.PropertyInfo
func writeProductSections(b *strings.Builder, cfg *types.VmConfigInfo, indent string) {
	if cfg == nil {
		return
	}
	var order []productSectionKey
	products := map[productSectionKey]*types.VAppProductInfo{}
	props := map[productSectionKey][]types.VAppPropertyInfo{}
	for i := range cfg.Product {
		p := &cfg.Product[i]
		k := productSectionKey{p.ClassId, p.InstanceId}
		if _, dup := products[k]; dup {
			continue // a second product with the same class/instance cannot be a section of its own
		}
		products[k] = p
		order = append(order, k)
	}
	for _, p := range cfg.Property {
		k := productSectionKey{p.ClassId, p.InstanceId}
		if _, ok := products[k]; !ok {
			if _, seen := props[k]; !seen {
				order = append(order, k)
			}
		}
		props[k] = append(props[k], p)
	}
	in1, in2 := indent+"  ", indent+"    "
	for _, k := range order {
		b.WriteString(indent + "<ProductSection")
		if k.class != "" {
			fmt.Fprintf(b, ` ovf:class="%s"`, xmlText(k.class))
		}
		if k.instance != "" {
			fmt.Fprintf(b, ` ovf:instance="%s"`, xmlText(k.instance))
		}
		b.WriteString(">\n" + in1 + "<Info>Information about the installed software</Info>\n")
		if p := products[k]; p != nil {
			for _, e := range []struct{ name, text string }{
				{"Product", p.Name}, {"Vendor", p.Vendor}, {"Version", p.Version}, {"FullVersion", p.FullVersion},
				{"ProductUrl", p.ProductUrl}, {"VendorUrl", p.VendorUrl}, {"AppUrl", p.AppUrl},
			} {
				if e.text != "" {
					fmt.Fprintf(b, "%s<%s>%s</%s>\n", in1, e.name, xmlText(e.text), e.name)
				}
			}
		}
		list := append([]types.VAppPropertyInfo(nil), props[k]...)
		firstSeen := map[string]int{"": -1}
		for i, p := range list {
			if _, ok := firstSeen[p.Category]; !ok {
				firstSeen[p.Category] = i
			}
		}
		sort.SliceStable(list, func(i, j int) bool { return firstSeen[list[i].Category] < firstSeen[list[j].Category] })
		category := ""
		for _, p := range list {
			if p.Category != category {
				fmt.Fprintf(b, "%s<Category>%s</Category>\n", in1, xmlText(p.Category))
				category = p.Category
			}
			o := ovfPropertyOf(p.Type, p.DefaultValue)
			id := p.Id
			if id == "" {
				id = fmt.Sprintf("property%d", p.Key)
			}
			fmt.Fprintf(b, `%s<Property ovf:key="%s" ovf:type="%s"`, in1, xmlText(id), o.typ)
			if o.qualifiers != "" {
				fmt.Fprintf(b, ` ovf:qualifiers="%s"`, xmlText(o.qualifiers))
			}
			fmt.Fprintf(b, ` ovf:userConfigurable="%t"`, p.UserConfigurable != nil && *p.UserConfigurable)
			switch {
			case o.password:
				// No value: vCenter reads password values back as empty (see the file comment).
				b.WriteString(` ovf:password="true"`)
			case o.expression && o.qualifiers != "":
				// The expression is the qualifier; its value is computed at deployment.
			default:
				value := p.Value
				if value == "" {
					value = p.DefaultValue
				}
				if value != "" {
					fmt.Fprintf(b, ` ovf:value="%s"`, xmlText(value))
				}
			}
			if p.Label == "" && p.Description == "" {
				b.WriteString("/>\n")
				continue
			}
			b.WriteString(">\n")
			if p.Label != "" {
				fmt.Fprintf(b, "%s<Label>%s</Label>\n", in2, xmlText(p.Label))
			}
			if p.Description != "" {
				fmt.Fprintf(b, "%s<Description>%s</Description>\n", in2, xmlText(p.Description))
			}
			b.WriteString(in1 + "</Property>\n")
		}
		b.WriteString(indent + "</ProductSection>\n")
	}
}

// writeIpAssignmentSection writes the IP allocation schemes and protocols the entity supports
// (vmw:IpAssignmentSection, what CreateImportSpec reads into ipAssignment), when it has any.
func writeIpAssignmentSection(b *strings.Builder, cfg *types.VmConfigInfo, indent string) {
	if cfg == nil || (len(cfg.IpAssignment.SupportedAllocationScheme) == 0 && len(cfg.IpAssignment.SupportedIpProtocol) == 0) {
		return
	}
	fmt.Fprintf(b, `%s<vmw:IpAssignmentSection ovf:required="false"`, indent)
	if p := cfg.IpAssignment.SupportedIpProtocol; len(p) > 0 {
		fmt.Fprintf(b, ` vmw:protocols="%s"`, xmlText(strings.Join(p, ",")))
	}
	if s := cfg.IpAssignment.SupportedAllocationScheme; len(s) > 0 {
		fmt.Fprintf(b, ` vmw:schemes="%s"`, xmlText(strings.Join(s, ",")))
	}
	fmt.Fprintf(b, ">\n%s  <Info>Supported IP assignment schemes</Info>\n%s</vmw:IpAssignmentSection>\n", indent, indent)
}

// transportAttr is the ovf:transport attribute of a VirtualHardwareSection: the OVF environment
// transports (`com.vmware.guestInfo`, `iso`), space-separated as VMware writes them.
func transportAttr(cfg *types.VmConfigInfo) string {
	if cfg == nil || len(cfg.OvfEnvironmentTransport) == 0 {
		return ""
	}
	return fmt.Sprintf(` ovf:transport="%s"`, xmlText(strings.Join(cfg.OvfEnvironmentTransport, " ")))
}

// propertyCategories reads the Category of each Property in the ProductSections of the descriptor's
// top-level content element (`VirtualSystem` or `VirtualSystemCollection`, a child of Envelope; not
// those of nested content), keyed by class, instance and property key. govmomi's ovf.ProductSection
// drops Category, and a Category belongs to every Property after it in its section, so the order of
// the elements is needed.
//
// @see DSP0243 §9.5 (Category)
func propertyCategories(descriptor string, content string) map[[3]string]string {
	out := map[[3]string]string{}
	dec := xml.NewDecoder(strings.NewReader(descriptor))
	var stack []string
	attr := func(se xml.StartElement, name string) string {
		for _, a := range se.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	var class, instance, category string
	var text strings.Builder
	inCategory := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			d := len(stack)
			// Envelope > content > ProductSection > Category|Property
			if d >= 3 && stack[1] == content && stack[2] == "ProductSection" {
				switch {
				case d == 3:
					class, instance, category = attr(t, "class"), attr(t, "instance"), ""
				case d == 4 && t.Name.Local == "Category":
					inCategory = true
					text.Reset()
				case d == 4 && t.Name.Local == "Property" && category != "":
					out[[3]string{class, instance, attr(t, "key")}] = category
				}
			}
		case xml.CharData:
			if inCategory {
				text.Write(t)
			}
		case xml.EndElement:
			if inCategory && len(stack) == 4 {
				category = strings.TrimSpace(text.String())
				inCategory = false
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// withCategories sets the category of each property of spec that the descriptor's top-level
// content element gives one (see propertyCategories).
func withCategories(spec *types.VmConfigSpec, descriptor string, content string) {
	if spec == nil || len(spec.Property) == 0 {
		return
	}
	cats := propertyCategories(descriptor, content)
	for _, p := range spec.Property {
		if p.Info != nil {
			p.Info.Category = cats[[3]string{p.Info.ClassId, p.Info.InstanceId, p.Info.Id}]
		}
	}
}
