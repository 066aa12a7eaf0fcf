package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/ioutil"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// redirected are the vim25 methods we implement ourselves on objects whose simulator type we
// cannot wrap (simulator code type-asserts *VirtualMachine, *ResourcePool, …). The call is
// re-targeted at a one-shot callObject that knows the original target; vcsim still does the
// session check, locking, decoding and encoding.
var redirected = map[string]bool{
	"ImportVApp":       true, // our leases; VirtualAppImportSpec (vcsim 0.24.2: VM only)
	"ExportVm":         true, // missing in 0.24.2
	"ExportVApp":       true, // missing in 0.24.2
	"Destroy_Task":     true, // only for VirtualApp: 0.24.2 moves the vApp's VMs to the parent pool
	"ReconfigVM_Task":  true, // keeps spec.vAppConfig (vappconfig.go)
	"UpdateVAppConfig": true, // missing in 0.24.2 (vappconfig.go)
}

// blockedByLease are the methods vSphere refuses on a VM or vApp while an HttpNfcLease covers
// it: a client must abort the lease (which removes an import) before destroying anything.
var blockedByLease = map[string]bool{
	"Destroy_Task": true, "PowerOnVM_Task": true, "PowerOffVM_Task": true, "ReconfigVM_Task": true,
	"PowerOnVApp_Task": true, "PowerOffVApp_Task": true, "UnregisterVM": true, "MarkAsTemplate": true,
}

var thisElement = regexp.MustCompile(`<((?:[\w.-]+:)?_this)(?:\s[^>]*)?>[^<]*</((?:[\w.-]+:)?_this)>`)

// serveSDK applies injected faults and redirects, then lets vcsim answer.
func (x *extensions) serveSDK(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		x.next.ServeHTTP(w, r)
		return
	}
	body, err := ioutil.ReadAll(http.MaxBytesReader(w, r.Body, 256<<20))
	_ = r.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	method, err := simulator.UnmarshalBody(types.TypeFunc(), body)
	if err != nil {
		x.forward(w, r, body)
		return
	}
	x.countCall(method.Name)

	if in := x.take("httpStatus", func(in *injection) bool { return in.Method == method.Name }); in != nil {
		http.Error(w, http.StatusText(in.Status), in.Status)
		return
	}
	if in := x.take("fault", func(in *injection) bool { return in.Method == method.Name }); in != nil {
		msg := in.Message
		if msg == "" {
			msg = fmt.Sprintf("injected %s on %s", in.Fault, method.Name)
		}
		if in.AsTask {
			if obj := simulator.Map.Get(method.This); obj != nil {
				writeFailedTask(w, method.Name, obj, newFault(in.Fault), msg)
				return
			}
		}
		writeFault(w, msg, newFault(in.Fault))
		return
	}

	if blockedByLease[method.Name] {
		if l := x.openLeaseCovering(method.This); l != nil {
			writeFault(w, fmt.Sprintf("The operation is not allowed in the current state: %s is covered by the open lease %s.", method.This.Value, l.Self.Value), &types.InvalidState{})
			return
		}
	}

	if redirected[method.Name] && !(method.Name == "Destroy_Task" && method.This.Type != "VirtualApp") {
		call := &callObject{x: x, target: method.This}
		call.ExtensibleManagedObject.Self = types.ManagedObjectReference{Type: "OvfkitCall", Value: "ovfkit-call-" + randomHex(8)}
		loc := thisElement.FindSubmatchIndex(body)
		if loc != nil {
			name := body[loc[2]:loc[3]]
			var b bytes.Buffer
			b.Write(body[:loc[0]])
			fmt.Fprintf(&b, `<%s type="%s">%s</%s>`, name, call.Self.Type, call.Self.Value, name)
			b.Write(body[loc[1]:])
			body = b.Bytes()
			simulator.Map.Put(call)
			defer simulator.Map.Remove(call.Self)
		}
	}
	x.forward(w, r, body)
}

func (x *extensions) forward(w http.ResponseWriter, r *http.Request, body []byte) {
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	x.next.ServeHTTP(w, r)
}

func (x *extensions) countCall(name string) {
	x.mu.Lock()
	x.calls[name]++
	x.mu.Unlock()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeFault answers a SOAP fault exactly as vcsim 0.24.2 encodes its own (HTTP 500,
// ServerFaultCode, detail element "<Type>Fault" with xsi:type).
func writeFault(w http.ResponseWriter, msg string, fault types.BaseMethodFault) {
	var out bytes.Buffer
	out.WriteString(xml.Header)
	out.WriteString(`<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>`)
	_ = xml.EscapeText(&out, []byte(msg))
	out.WriteString(`</faultstring><detail>`)
	kind := reflect.TypeOf(fault).Elem().Name()
	e := xml.NewEncoder(&out)
	_ = e.EncodeElement(fault, xml.StartElement{
		Name: xml.Name{Local: kind + "Fault"},
		Attr: []xml.Attr{
			{Name: xml.Name{Local: "xmlns"}, Value: "urn:vim25"},
			{Name: xml.Name{Local: "xsi:type"}, Value: kind},
		},
	})
	_ = e.Flush()
	out.WriteString(`</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(out.Bytes())
}

// writeFailedTask answers a *_Task method with a Task that ends in error with the fault, the way
// vCenter reports most failures of Destroy_Task, PowerOnVM_Task, …
func writeFailedTask(w http.ResponseWriter, method string, obj mo.Reference, fault types.BaseMethodFault, msg string) {
	task := simulator.CreateTask(obj, strings.TrimSuffix(method, "_Task"), func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		return nil, fault
	})
	ref := task.Run()
	simulator.Map.Update(task, []types.PropertyChange{{Name: "info.error", Val: types.LocalizedMethodFault{Fault: fault, LocalizedMessage: msg}}})
	var out bytes.Buffer
	out.WriteString(xml.Header)
	fmt.Fprintf(&out, `<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><%sResponse xmlns="urn:vim25"><returnval type="Task">`, method)
	_ = xml.EscapeText(&out, []byte(ref.Value))
	fmt.Fprintf(&out, `</returnval></%sResponse></soapenv:Body></soapenv:Envelope>`, method)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
}
