package main

import (
	"context"

	"encoding/json"
	"fmt"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
	"net/http"
	"strings"
)

// injection is one armed fault, as POSTed to /ovfkit/inject (see test/src/sim/simulator.ts).
type injection struct {
	Kind           string `json:"kind"`
	Method         string `json:"method,omitempty"`
	Fault          string `json:"fault,omitempty"`
	Message        string `json:"message,omitempty"`
	Times          int    `json:"times,omitempty"`
	AfterBytes     int64  `json:"afterBytes,omitempty"`
	Direction      string `json:"direction,omitempty"`
	BytesPerSecond int64  `json:"bytesPerSecond,omitempty"`
	Seconds        int    `json:"seconds,omitempty"`
	Milliseconds   int    `json:"milliseconds,omitempty"`
	AsTask         bool   `json:"asTask,omitempty"`
	Status         int    `json:"status,omitempty"`
	File           string `json:"file,omitempty"`
}

func (in *injection) validate() error {
	switch in.Kind {
	case "fault":
		if in.Method == "" || in.Fault == "" {
			return fmt.Errorf("fault injection needs method and fault")
		}
		if _, ok := faultType(in.Fault); !ok {
			return fmt.Errorf("unknown vim25 fault type %q", in.Fault)
		}
		if in.AsTask && !strings.HasSuffix(in.Method, "_Task") {
			return fmt.Errorf("asTask needs a method ending in _Task, not %q", in.Method)
		}
	case "httpStatus":
		if in.Method == "" || in.Status < 400 || in.Status > 599 || in.Status == 500 {
			return fmt.Errorf("httpStatus injection needs method and a status in 400..599 other than 500 (use a fault for 500)")
		}
	case "expireSessions":
	case "libraryError":
		if in.Method == "" || in.Status < 400 || in.Status > 599 {
			return fmt.Errorf("libraryError needs method (an operation name such as update-session.complete) and a status in 400..599")
		}
	case "libraryDeployFail", "libraryCreateOvfFail":
	case "leaseError":
		if in.Fault == "" {
			in.Fault = "FileFault"
		}
		if _, ok := faultType(in.Fault); !ok {
			return fmt.Errorf("unknown vim25 fault type %q", in.Fault)
		}
	case "dropConnection":
		if in.Direction == "" {
			in.Direction = "upload"
		}
		if in.Direction != "upload" && in.Direction != "download" && in.Direction != "libraryUpload" {
			return fmt.Errorf("direction must be upload, download or libraryUpload")
		}
	case "slowNfc":
		if in.BytesPerSecond <= 0 {
			return fmt.Errorf("slowNfc needs bytesPerSecond > 0")
		}
	case "nfcRateLimit":
		if in.BytesPerSecond <= 0 {
			return fmt.Errorf("nfcRateLimit needs bytesPerSecond > 0")
		}
	case "leaseTimeout":
		if in.Seconds <= 0 {
			return fmt.Errorf("leaseTimeout needs seconds > 0")
		}
	case "leaseInitDelay":
		if in.Milliseconds <= 0 {
			return fmt.Errorf("leaseInitDelay needs milliseconds > 0")
		}
	case "manifestMismatch":
		if in.Method != "" && in.Method != "ImportVApp" && in.Method != "ExportVm" && in.Method != "ExportVApp" {
			return fmt.Errorf("manifestMismatch method must be ImportVApp, ExportVm or ExportVApp")
		}
	default:
		return fmt.Errorf("unknown injection kind %q", in.Kind)
	}
	if in.Times <= 0 {
		in.Times = 1
	}
	return nil
}

// take consumes one use of the first armed injection of this kind that matches; nil if none.
func (x *extensions) take(kind string, match func(*injection) bool) *injection {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, in := range x.injections {
		if in.Kind != kind || (match != nil && !match(in)) {
			continue
		}
		in.Times--
		if in.Times <= 0 {
			x.injections = append(x.injections[:i:i], x.injections[i+1:]...)
		}
		c := *in
		return &c
	}
	return nil
}

func (x *extensions) serveInject(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		var in injection
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad injection: " + err.Error()})
			return
		}
		if err := in.validate(); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if in.Kind == "expireSessions" {
			n := expireSessions()
			writeJSON(w, http.StatusOK, map[string]interface{}{"expired": n})
			return
		}
		x.mu.Lock()
		if in.Kind == "leaseTimeout" {
			x.leaseTimeoutSeconds = in.Seconds
		} else if in.Kind == "leaseInitDelay" {
			x.leaseInitDelayMs = in.Milliseconds
		} else if in.Kind == "nfcRateLimit" {
			x.nfcRateLimit = in.BytesPerSecond
		} else {
			x.injections = append(x.injections, &in)
		}
		x.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]interface{}{"armed": in})
	case http.MethodDelete:
		x.mu.Lock()
		x.injections = nil
		x.leaseTimeoutSeconds = 0
		x.leaseInitDelayMs = 0
		x.nfcRateLimit = 0
		x.mu.Unlock()
		x.nfc.reset()
		x.received.reset()
		writeJSON(w, http.StatusOK, map[string]interface{}{"cleared": true})
	case http.MethodGet:
		x.mu.Lock()
		list := append([]*injection{}, x.injections...)
		x.mu.Unlock()
		writeJSON(w, http.StatusOK, list)
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET, POST or DELETE"})
	}
}

// expireSessions ends every SOAP session, as an idle timeout or a vCenter restart would: the
// next call with an old cookie gets NotAuthenticated and the client must log in again.
func expireSessions() int {
	sm := simulator.Map.SessionManager()
	probe := &simulator.Session{UserSession: types.UserSession{Key: "ovfkit-expire-" + randomHex(8)}, Registry: simulator.NewRegistry()}
	view, ok := probe.Get(sm.Reference()).(*simulator.SessionManager)
	if !ok {
		return 0
	}
	var ids []string
	for _, s := range view.SessionList {
		ids = append(ids, s.Key)
	}
	if len(ids) == 0 {
		return 0
	}
	ctx := &simulator.Context{Context: context.Background(), Map: simulator.Map, Session: probe}
	simulator.Map.WithLock(sm, func() { sm.TerminateSession(ctx, &types.TerminateSession{SessionId: ids}) })
	return len(ids)
}
