package main

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
)

// entityState is one VM or vApp as /ovfkit/state reports it.
type entityState struct {
	Ref        string `json:"ref"`
	Name       string `json:"name"`
	Parent     string `json:"parent,omitempty"`
	PowerState string `json:"powerState,omitempty"`
}

// simState is the answer of GET /ovfkit/state: what exists now, so tests can assert that a
// failed import or export left nothing behind.
type simState struct {
	VirtualMachines []entityState `json:"virtualMachines"`
	VirtualApps     []entityState `json:"virtualApps"`
	Leases          []leaseState  `json:"leases"`
	NFC             nfcState      `json:"nfc"`
	// Received: the descriptors and library files received since the injections were last cleared (received.go).
	Received []received `json:"received"`
}

type leaseState struct {
	Ref              string `json:"ref"`
	Kind             string `json:"kind"`
	Method           string `json:"method"`
	State            string `json:"state"`
	Entity           string `json:"entity"`
	Progress         int32  `json:"transferProgress"`
	BytesTransferred int64  `json:"bytesTransferred"`
	Error            string `json:"error,omitempty"`
}

func (x *extensions) state() simState {
	st := simState{VirtualMachines: []entityState{}, VirtualApps: []entityState{}, Leases: []leaseState{}}
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm, ok := e.(*simulator.VirtualMachine)
		if !ok {
			continue
		}
		es := entityState{Ref: vm.Self.Value, Name: vm.Name, PowerState: string(vm.Runtime.PowerState)}
		if vm.ResourcePool != nil {
			es.Parent = vm.ResourcePool.Value
		}
		st.VirtualMachines = append(st.VirtualMachines, es)
	}
	for _, e := range simulator.Map.All("VirtualApp") {
		es := entityState{Ref: e.Entity().Self.Value, Name: e.Entity().Name}
		if p := e.Entity().Parent; p != nil {
			es.Parent = p.Value
		}
		st.VirtualApps = append(st.VirtualApps, es)
	}
	st.Leases = x.leaseStates()
	st.NFC = x.nfc.state()
	st.Received = x.received.all()
	sort.Slice(st.VirtualMachines, func(i, j int) bool { return st.VirtualMachines[i].Ref < st.VirtualMachines[j].Ref })
	sort.Slice(st.VirtualApps, func(i, j int) bool { return st.VirtualApps[i].Ref < st.VirtualApps[j].Ref })
	return st
}

var _ mo.Entity = (*simulator.VirtualMachine)(nil)

func (x *extensions) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/ovfkit/inject":
		x.serveInject(w, r)
	case "/ovfkit/state":
		writeJSON(w, http.StatusOK, x.state())
	case "/ovfkit/library":
		writeJSON(w, http.StatusOK, x.library.state())
	case "/ovfkit/collectors":
		writeJSON(w, http.StatusOK, x.collectorsState())
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown control endpoint " + r.URL.Path})
	}
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
