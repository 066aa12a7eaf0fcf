package main

import (
	"bytes"
	"io/ioutil"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// collectorTracker records the private PropertyCollectors and their filters that clients create
// (CreatePropertyCollector, CreateFilter) and destroy (DestroyPropertyCollector,
// DestroyPropertyFilter), so /ovfkit/state can show what a client left behind. vcsim keeps them
// in per-session registries it does not expose; we read the refs off the SOAP exchange instead.
type collectorTracker struct {
	mu         sync.Mutex
	collectors map[string]map[string]bool // collector ref value -> filter ref values
}

var (
	collectorMethod = regexp.MustCompile(`<(?:[\w.-]+:)?(CreatePropertyCollector|DestroyPropertyCollector|CreateFilter|DestroyPropertyFilter)[\s>/]`)
	thisValue       = regexp.MustCompile(`<(?:[\w.-]+:)?_this(?:\s[^>]*)?>([^<]*)</`)
	returnValue     = regexp.MustCompile(`<returnval(?:\s[^>]*)?>([^<]*)</returnval>`)
)

// recorder passes a response through and keeps a copy (collector answers are tiny).
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	r.body.Write(p)
	return r.ResponseWriter.Write(p)
}

// serveSDKTracked is serveSDK with collector bookkeeping around the calls that create or
// destroy collectors and filters; every other call goes straight through.
func (x *extensions) serveSDKTracked(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		x.serveSDK(w, r)
		return
	}
	body, err := ioutil.ReadAll(http.MaxBytesReader(w, r.Body, 256<<20))
	_ = r.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	m := collectorMethod.FindSubmatch(body)
	if m == nil {
		x.serveSDK(w, r)
		return
	}
	this := ""
	if t := thisValue.FindSubmatch(body); t != nil {
		this = unescapeText(string(t[1]))
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	x.serveSDK(rec, r)
	if rec.status != http.StatusOK {
		return
	}
	ret := ""
	if v := returnValue.FindSubmatch(rec.body.Bytes()); v != nil {
		ret = unescapeText(string(v[1]))
	}
	x.pcs.record(string(m[1]), this, ret)
}

func (t *collectorTracker) record(method, this, ret string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.collectors == nil {
		t.collectors = map[string]map[string]bool{}
	}
	switch method {
	case "CreatePropertyCollector":
		if ret != "" {
			t.collectors[ret] = map[string]bool{}
		}
	case "CreateFilter":
		if f, ok := t.collectors[this]; ok && ret != "" {
			f[ret] = true
		}
	case "DestroyPropertyCollector":
		delete(t.collectors, this)
	case "DestroyPropertyFilter":
		for _, f := range t.collectors {
			delete(f, this)
		}
	}
}

// collectorState is one private PropertyCollector in /ovfkit/state.
type collectorState struct {
	Ref     string   `json:"ref"`
	Filters []string `json:"filters"`
}

// open lists the private collectors not destroyed yet whose session is still alive (a session's
// collectors end with it, on vSphere as in vcsim).
func (t *collectorTracker) open() []collectorState {
	live := liveSessionKeys()
	t.mu.Lock()
	defer t.mu.Unlock()
	out := []collectorState{}
	for ref, filters := range t.collectors {
		if key := sessionKeyOf(ref); key != "" && !live[key] {
			delete(t.collectors, ref)
			continue
		}
		st := collectorState{Ref: ref, Filters: []string{}}
		for f := range filters {
			st.Filters = append(st.Filters, f)
		}
		sort.Strings(st.Filters)
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out
}

// sessionKeyOf reads the session key out of a session-scoped ref ("session[<key>]<uuid>").
func sessionKeyOf(ref string) string {
	if !strings.HasPrefix(ref, "session[") {
		return ""
	}
	end := strings.Index(ref, "]")
	if end < 0 {
		return ""
	}
	return ref[len("session["):end]
}

func liveSessionKeys() map[string]bool {
	live := map[string]bool{}
	sm := simulator.Map.SessionManager()
	probe := &simulator.Session{UserSession: types.UserSession{Key: "ovfkit-probe-" + randomHex(8)}, Registry: simulator.NewRegistry()}
	if view, ok := probe.Get(sm.Reference()).(*simulator.SessionManager); ok {
		for _, s := range view.SessionList {
			live[s.Key] = true
		}
	}
	return live
}

// collectorsStateAnswer is GET /ovfkit/collectors.
type collectorsStateAnswer struct {
	// PropertyCollectors are the private collectors (with their filters) not destroyed yet, in
	// sessions still alive: a client that waits with WaitForUpdatesEx must leave none.
	PropertyCollectors []collectorState `json:"propertyCollectors"`
	// Calls counts the vim25 calls received per method since start.
	Calls map[string]int `json:"calls"`
}

func (x *extensions) collectorsState() collectorsStateAnswer {
	return collectorsStateAnswer{PropertyCollectors: x.pcs.open(), Calls: x.callCounts()}
}

// callCounts copies the per-method call counter.
func (x *extensions) callCounts() map[string]int {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make(map[string]int, len(x.calls))
	for k, v := range x.calls {
		out[k] = v
	}
	return out
}

func unescapeText(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&apos;", "'").Replace(s)
}
