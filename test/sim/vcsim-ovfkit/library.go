package main

// The Content Library of the vSphere Automation (REST) API, in both of the forms vCenter serves:
// `/api/...` (vSphere 7.0 U2+: plain JSON bodies and answers, `?action=`) and `/rest/com/vmware/...`
// (6.5+: bodies wrapped in `create_spec`/`spec`/`file_spec`, answers in `{"value": …}`, `~action=`,
// ids as `id:<id>`). govmomi 0.24.2's vapi simulator serves only `/rest`, keeps every file an
// update session received even when the session is cancelled, never checks a checksum, never
// changes an item's content version, and keeps its state where a wrapper cannot reach it, so
// this is our own model (library.go, librarydeploy.go), routed to from extensions.ServeHTTP.

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/ioutil"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clFile is one file of a library item (content.library.item.FileModel).
type clFile struct {
	Name      string
	Size      int64
	Algorithm string // of Checksum: SHA1 unless the publisher sent another
	Checksum  string
	Version   int
	path      string
}

type clItem struct {
	ID, LibraryID, Name, Type, Description string
	ContentVersion, MetadataVersion        int
	Created, Modified                      time.Time
	Files                                  map[string]*clFile
	dir                                    string
}

type clLibrary struct {
	ID, Name, Type, Description string
	DatastoreID                 string
	Version                     int
	Created                     time.Time
	dir                         string
}

// clUpFile is one file of an update session (content.library.item.updatesession.FileModel.Info).
type clUpFile struct {
	Name, SourceType, Status string
	Size                     int64 // -1: not given
	Algorithm, Checksum      string
	SourceURI                string
	Received                 int64
	ErrorMessage             string
	token                    string
	path                     string
	sha1, digest             string // of the received bytes: SHA-1, and the declared algorithm's
	session, item            string // the update session and its item
}

type clUpdate struct {
	ID, ItemID     string
	ContentVersion int
	State          string // ACTIVE, DONE, ERROR, CANCELED
	ErrorMessage   string
	Expires        time.Time
	Files          map[string]*clUpFile
	// Removed are item files the session removes when it completes (file remove).
	Removed map[string]bool
	dir     string
}

type clDownload struct {
	ID, ItemID string
	Expires    time.Time
	Prepared   map[string]string // file name → data token
}

// contentLibrary is the simulator's whole library service state, under one lock.
type contentLibrary struct {
	mu        sync.Mutex
	root      string
	username  string
	password  string
	sessions  map[string]time.Time
	libraries map[string]*clLibrary
	items     map[string]*clItem
	updates   map[string]*clUpdate
	downloads map[string]*clDownload
	// data maps a transfer token to its update file (upload) or download session + file.
	upTokens   map[string]*clUpFile
	downTokens map[string][2]string
	// calls counts the operations served, by canonical name (GET /ovfkit/library).
	calls map[string]int
	// received records each file's bytes as they arrived (received.go; set by newExtensions).
	received *receivedLog
}

func newContentLibrary(username, password string) *contentLibrary {
	root, err := ioutil.TempDir("", "vcsim-ovfkit-contentlib-")
	if err != nil {
		fatal("content library dir: %v", err)
	}
	return &contentLibrary{root: root, username: username, password: password, sessions: map[string]time.Time{},
		libraries: map[string]*clLibrary{}, items: map[string]*clItem{}, updates: map[string]*clUpdate{}, downloads: map[string]*clDownload{},
		upTokens: map[string]*clUpFile{}, downTokens: map[string][2]string{}, calls: map[string]int{}}
}

func (cl *contentLibrary) close() { _ = os.RemoveAll(cl.root) }

const sessionHeader = "vmware-api-session-id"

// libraryDataPath is where upload and download endpoints live (vCenter: https://vc/cls/data/…).
const libraryDataPath = "/cls/data/"

// vapiCall is one request in the canonical (/api) shape.
type vapiCall struct {
	rest    bool // /rest form: wrapped bodies and answers
	method  string
	seg     []string // path segments after /api/ (ids without "id:")
	action  string
	query   func(string) string
	body    json.RawMessage
	request *http.Request
}

// isLibraryPath tells whether our content library serves this path.
func isLibraryPath(p string) bool {
	return p == "/api/session" || strings.HasPrefix(p, "/api/content/") || strings.HasPrefix(p, "/api/vcenter/ovf/") ||
		strings.HasPrefix(p, "/rest/com/vmware/cis/session") || strings.HasPrefix(p, "/rest/com/vmware/content/") ||
		strings.HasPrefix(p, "/rest/com/vmware/vcenter/ovf/") || strings.HasPrefix(p, libraryDataPath)
}

// canonical maps a /rest request onto the /api shape, so each operation is written once.
func canonical(r *http.Request) *vapiCall {
	c := &vapiCall{method: r.Method, query: r.URL.Query().Get, request: r}
	p := r.URL.Path
	if strings.HasPrefix(p, "/api/") {
		c.seg = strings.Split(strings.TrimPrefix(p, "/api/"), "/")
		c.action = r.URL.Query().Get("action")
		return c
	}
	c.rest = true
	c.action = r.URL.Query().Get("~action")
	rest := strings.TrimPrefix(strings.TrimPrefix(p, "/rest/"), "com/vmware/")
	if rest == "cis/session" {
		rest = "session"
	}
	seg := strings.Split(rest, "/")
	for i := range seg {
		seg[i] = strings.TrimPrefix(seg[i], "id:")
	}
	j := strings.Join(seg, "/")
	switch {
	case j == "content/library/item/file":
		seg = []string{"content", "library", "item", r.URL.Query().Get("library_item_id"), "file"}
	case strings.HasPrefix(j, "content/library/item/updatesession/file"):
		id := r.URL.Query().Get("update_session_id")
		if len(seg) > 5 {
			id = seg[5]
		}
		seg = []string{"content", "library", "item", "update-session", id, "file"}
		if c.action == "add" {
			c.action = ""
		}
	case strings.HasPrefix(j, "content/library/item/downloadsession/file"):
		id := r.URL.Query().Get("download_session_id")
		if len(seg) > 5 {
			id = seg[5]
		}
		seg = []string{"content", "library", "item", "download-session", id, "file"}
		if c.action == "list" {
			c.action = ""
		}
	}
	if c.action == "create" {
		c.action = ""
	}
	c.seg = seg
	return c
}

// vapiError is a vAPI standard error (com.vmware.vapi.std.errors.*).
type vapiError struct {
	status int
	kind   string // NOT_FOUND, INVALID_ARGUMENT, ALREADY_EXISTS, NOT_ALLOWED_IN_CURRENT_STATE, UNAUTHENTICATED, ERROR
	msg    string
}

func (e *vapiError) Error() string { return e.msg }

func notFoundErr(what, id string) *vapiError {
	return &vapiError{http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("%s %s not found", what, id)}
}
func invalidArg(format string, a ...interface{}) *vapiError {
	return &vapiError{http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf(format, a...)}
}
func wrongState(format string, a ...interface{}) *vapiError {
	return &vapiError{http.StatusBadRequest, "NOT_ALLOWED_IN_CURRENT_STATE", fmt.Sprintf(format, a...)}
}

func message(id, text string) map[string]interface{} {
	return map[string]interface{}{"id": id, "default_message": text, "args": []string{}}
}

func writeVapi(w http.ResponseWriter, c *vapiCall, val interface{}, err *vapiError) {
	if err != nil {
		msgs := []interface{}{message("vcsim.ovfkit."+strings.ToLower(err.kind), err.msg)}
		if c.rest {
			writeJSON(w, err.status, map[string]interface{}{"type": "com.vmware.vapi.std.errors." + strings.ToLower(err.kind), "value": map[string]interface{}{"messages": msgs}})
		} else {
			writeJSON(w, err.status, map[string]interface{}{"error_type": err.kind, "messages": msgs})
		}
		return
	}
	if val == nil {
		w.WriteHeader(http.StatusNoContent)
		if c.rest {
			// /rest answers 200 with no body for void operations.
		}
		return
	}
	if c.rest {
		writeJSON(w, http.StatusOK, map[string]interface{}{"value": val})
		return
	}
	writeJSON(w, http.StatusOK, val)
}

// decode reads the body into v; in the /rest form the spec is inside its wrapper key.
func (c *vapiCall) decode(v interface{}, wrapper string) *vapiError {
	body := c.body
	if c.rest && wrapper != "" {
		var wrapped map[string]json.RawMessage
		if err := json.Unmarshal(body, &wrapped); err != nil {
			return invalidArg("the body is not a JSON object: %v", err)
		}
		inner, ok := wrapped[wrapper]
		if !ok {
			return invalidArg("the body has no %q", wrapper)
		}
		body = inner
	}
	if len(body) == 0 {
		return invalidArg("a JSON body is required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return invalidArg("the body does not match the operation's input: %v", err)
	}
	return nil
}

func (cl *contentLibrary) ServeHTTP(w http.ResponseWriter, r *http.Request, x *extensions) {
	if strings.HasPrefix(r.URL.Path, libraryDataPath) {
		cl.serveData(w, r, x)
		return
	}
	c := canonical(r)
	if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut {
		b, err := ioutil.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
		if err != nil {
			writeVapi(w, c, nil, invalidArg("the body cannot be read: %v", err))
			return
		}
		c.body = b
	}
	op := c.method + " " + strings.Join(c.seg, "/")
	if c.action != "" {
		op += "?action=" + c.action
	}
	if len(c.seg) > 0 && c.seg[0] == "session" {
		val, err := cl.session(c)
		writeVapi(w, c, val, err)
		return
	}
	cl.mu.Lock()
	_, ok := cl.sessions[r.Header.Get(sessionHeader)]
	cl.mu.Unlock()
	if !ok {
		writeVapi(w, c, nil, &vapiError{http.StatusUnauthorized, "UNAUTHENTICATED", "no valid vmware-api-session-id"})
		return
	}
	if in := x.take("libraryError", func(in *injection) bool { return in.Method == opName(c) }); in != nil {
		writeVapi(w, c, nil, &vapiError{in.Status, "ERROR", "injected error on " + in.Method})
		return
	}
	if len(c.seg) >= 2 && c.seg[0] == "vcenter" && c.seg[1] == "ovf" {
		val, err := cl.ovf(c, x)
		writeVapi(w, c, val, err)
		return
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.calls[opName(c)]++
	val, err := cl.content(c, x)
	writeVapi(w, c, val, err)
}

// opName names an operation for injections and counters: the path without ids and without the
// "content/library/item" prefix, then the action (or create/delete/get): "item.create",
// "update-session.complete", "update-session.file.create", "download-session.file.prepare",
// "local-library.create", "library-item.deploy".
func opName(c *vapiCall) string {
	var parts []string
	for i, s := range c.seg {
		if s == "content" || s == "vcenter" || s == "ovf" || (i > 0 && isIDSegment(c.seg, i)) {
			continue
		}
		parts = append(parts, s)
	}
	name := strings.Join(parts, ".")
	if strings.HasPrefix(name, "library.item.") {
		name = strings.TrimPrefix(name, "library.item.")
	} else if name == "library.item" {
		name = "item"
	}
	switch {
	case c.action != "":
		name += "." + c.action
	case c.method == http.MethodPost:
		name += ".create"
	case c.method == http.MethodDelete:
		name += ".delete"
	case c.method == http.MethodGet:
		name += ".get"
	}
	return name
}

func isIDSegment(seg []string, i int) bool {
	switch seg[i] {
	case "library", "item", "local-library", "update-session", "download-session", "file", "library-item", "session":
		return false
	}
	return true
}

func (cl *contentLibrary) session(c *vapiCall) (interface{}, *vapiError) {
	r := c.request
	switch c.method {
	case http.MethodPost:
		if id := r.Header.Get(sessionHeader); id != "" && c.action == "get" {
			return map[string]string{"user": cl.username}, nil
		}
		u, p, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(cl.username)) != 1 || subtle.ConstantTimeCompare([]byte(p), []byte(cl.password)) != 1 {
			return nil, &vapiError{http.StatusUnauthorized, "UNAUTHENTICATED", "wrong user name or password"}
		}
		id := randomHex(16)
		cl.mu.Lock()
		cl.sessions[id] = time.Now()
		cl.mu.Unlock()
		return id, nil
	case http.MethodDelete:
		cl.mu.Lock()
		delete(cl.sessions, r.Header.Get(sessionHeader))
		cl.mu.Unlock()
		return nil, nil
	case http.MethodGet:
		cl.mu.Lock()
		_, ok := cl.sessions[r.Header.Get(sessionHeader)]
		cl.mu.Unlock()
		if !ok {
			return nil, &vapiError{http.StatusUnauthorized, "UNAUTHENTICATED", "no valid vmware-api-session-id"}
		}
		return map[string]string{"user": cl.username}, nil
	}
	return nil, invalidArg("unsupported method %s", c.method)
}

// content serves /content/...; cl.mu is held.
func (cl *contentLibrary) content(c *vapiCall, x *extensions) (interface{}, *vapiError) {
	s := c.seg
	at := func(i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	switch {
	case at(1) == "local-library" && len(s) == 2 && c.method == http.MethodPost:
		return cl.createLibrary(c, x)
	case (at(1) == "library" || at(1) == "local-library") && len(s) == 2:
		if c.action == "find" {
			var spec struct {
				Name string `json:"name"`
				Type string `json:"type"`
			}
			if err := c.decode(&spec, "spec"); err != nil {
				return nil, err
			}
			ids := []string{}
			for _, l := range cl.libraries {
				if (spec.Name == "" || strings.EqualFold(spec.Name, l.Name)) && (spec.Type == "" || spec.Type == l.Type) {
					ids = append(ids, l.ID)
				}
			}
			sort.Strings(ids)
			return ids, nil
		}
		if c.method == http.MethodGet {
			ids := []string{}
			for id := range cl.libraries {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			return ids, nil
		}
	case (at(1) == "library" || at(1) == "local-library") && len(s) == 3 && at(2) != "item":
		l := cl.libraries[at(2)]
		if l == nil {
			return nil, notFoundErr("library", at(2))
		}
		switch c.method {
		case http.MethodGet:
			return l.model(), nil
		case http.MethodDelete:
			for id, it := range cl.items {
				if it.LibraryID == l.ID {
					cl.deleteItem(id)
				}
			}
			_ = os.RemoveAll(l.dir)
			delete(cl.libraries, l.ID)
			return nil, nil
		}
	case at(1) == "library" && at(2) == "item" && len(s) == 3:
		switch {
		case c.action == "find":
			var spec struct {
				Name      string `json:"name"`
				LibraryID string `json:"library_id"`
				Type      string `json:"type"`
			}
			if err := c.decode(&spec, "spec"); err != nil {
				return nil, err
			}
			ids := []string{}
			for _, it := range cl.items {
				if (spec.Name == "" || spec.Name == it.Name) && (spec.LibraryID == "" || spec.LibraryID == it.LibraryID) && (spec.Type == "" || spec.Type == it.Type) {
					ids = append(ids, it.ID)
				}
			}
			sort.Strings(ids)
			return ids, nil
		case c.method == http.MethodGet:
			lid := c.query("library_id")
			if cl.libraries[lid] == nil {
				return nil, notFoundErr("library", lid)
			}
			ids := []string{}
			for _, it := range cl.items {
				if it.LibraryID == lid {
					ids = append(ids, it.ID)
				}
			}
			sort.Strings(ids)
			return ids, nil
		case c.method == http.MethodPost:
			var spec struct {
				LibraryID   string `json:"library_id"`
				Name        string `json:"name"`
				Type        string `json:"type"`
				Description string `json:"description"`
			}
			if err := c.decode(&spec, "create_spec"); err != nil {
				return nil, err
			}
			it, err := cl.createItem(spec.LibraryID, spec.Name, spec.Type, spec.Description)
			if err != nil {
				return nil, err
			}
			return it.ID, nil
		}
	case at(1) == "library" && at(2) == "item" && at(3) == "update-session":
		return cl.updateSession(c, s[4:])
	case at(1) == "library" && at(2) == "item" && at(3) == "download-session":
		return cl.downloadSession(c, s[4:])
	case at(1) == "library" && at(2) == "item" && len(s) >= 4:
		it := cl.items[at(3)]
		if it == nil {
			return nil, notFoundErr("library item", at(3))
		}
		if len(s) == 5 && at(4) == "file" && c.method == http.MethodGet {
			return it.fileModels(), nil
		}
		if len(s) == 4 {
			switch c.method {
			case http.MethodGet:
				return it.model(), nil
			case http.MethodDelete:
				for _, up := range cl.updates {
					if up.ItemID == it.ID && up.State == "ACTIVE" {
						return nil, wrongState("library item %s has an active update session", it.ID)
					}
				}
				cl.deleteItem(it.ID)
				return nil, nil
			}
		}
	}
	return nil, &vapiError{http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no operation %s %s", c.method, strings.Join(s, "/"))}
}

func (cl *contentLibrary) createLibrary(c *vapiCall, x *extensions) (interface{}, *vapiError) {
	var spec struct {
		Name            string `json:"name"`
		Description     string `json:"description"`
		StorageBackings []struct {
			DatastoreID string `json:"datastore_id"`
			Type        string `json:"type"`
		} `json:"storage_backings"`
	}
	if err := c.decode(&spec, "create_spec"); err != nil {
		return nil, err
	}
	if spec.Name == "" {
		return nil, invalidArg("a library needs a name")
	}
	if len(spec.StorageBackings) != 1 || spec.StorageBackings[0].DatastoreID == "" {
		return nil, invalidArg("a local library needs exactly one storage backing with a datastore_id")
	}
	if !datastoreExists(spec.StorageBackings[0].DatastoreID) {
		return nil, invalidArg("datastore %s does not exist", spec.StorageBackings[0].DatastoreID)
	}
	for _, l := range cl.libraries {
		if strings.EqualFold(l.Name, spec.Name) {
			return nil, &vapiError{http.StatusBadRequest, "ALREADY_EXISTS", fmt.Sprintf("a library named %q already exists", spec.Name)}
		}
	}
	id := newUUID()
	l := &clLibrary{ID: id, Name: spec.Name, Type: "LOCAL", Description: spec.Description, DatastoreID: spec.StorageBackings[0].DatastoreID, Version: 1, Created: time.Now(), dir: filepath.Join(cl.root, id)}
	if err := os.MkdirAll(l.dir, 0o750); err != nil {
		return nil, &vapiError{http.StatusInternalServerError, "ERROR", err.Error()}
	}
	cl.libraries[id] = l
	return id, nil
}

func (cl *contentLibrary) createItem(libraryID, name, typ, description string) (*clItem, *vapiError) {
	l := cl.libraries[libraryID]
	if l == nil {
		return nil, notFoundErr("library", libraryID)
	}
	if name == "" {
		return nil, invalidArg("a library item needs a name")
	}
	for _, it := range cl.items {
		if it.LibraryID == libraryID && it.Name == name {
			return nil, &vapiError{http.StatusBadRequest, "ALREADY_EXISTS", fmt.Sprintf("library %s already has an item named %q", l.Name, name)}
		}
	}
	id := newUUID()
	now := time.Now()
	it := &clItem{ID: id, LibraryID: libraryID, Name: name, Type: typ, Description: description, ContentVersion: 1, MetadataVersion: 1, Created: now, Modified: now, Files: map[string]*clFile{}, dir: filepath.Join(l.dir, id)}
	if err := os.MkdirAll(it.dir, 0o750); err != nil {
		return nil, &vapiError{http.StatusInternalServerError, "ERROR", err.Error()}
	}
	cl.items[id] = it
	return it, nil
}

func (cl *contentLibrary) deleteItem(id string) {
	if it := cl.items[id]; it != nil {
		_ = os.RemoveAll(it.dir)
		delete(cl.items, id)
	}
}

func (l *clLibrary) model() map[string]interface{} {
	return map[string]interface{}{
		"id": l.ID, "name": l.Name, "type": l.Type, "description": l.Description, "version": strconv.Itoa(l.Version),
		"creation_time":    l.Created.UTC().Format(time.RFC3339),
		"storage_backings": []map[string]string{{"type": "DATASTORE", "datastore_id": l.DatastoreID}},
	}
}

func (it *clItem) size() int64 {
	var n int64
	for _, f := range it.Files {
		n += f.Size
	}
	return n
}

func (it *clItem) model() map[string]interface{} {
	return map[string]interface{}{
		"id": it.ID, "library_id": it.LibraryID, "name": it.Name, "type": it.Type, "description": it.Description,
		"content_version": strconv.Itoa(it.ContentVersion), "metadata_version": strconv.Itoa(it.MetadataVersion),
		"size": it.size(), "cached": true,
		"creation_time": it.Created.UTC().Format(time.RFC3339), "last_modified_time": it.Modified.UTC().Format(time.RFC3339),
	}
}

func (it *clItem) fileModels() []map[string]interface{} {
	out := []map[string]interface{}{}
	for _, name := range sortedKeys(it.Files) {
		f := it.Files[name]
		out = append(out, map[string]interface{}{"name": f.Name, "size": f.Size, "cached": true, "version": strconv.Itoa(f.Version),
			"checksum_info": map[string]string{"algorithm": f.Algorithm, "checksum": f.Checksum}})
	}
	return out
}

func sortedKeys(m map[string]*clFile) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// updateSession serves /content/library/item/update-session[/{id}[/file]]; cl.mu is held.
func (cl *contentLibrary) updateSession(c *vapiCall, rest []string) (interface{}, *vapiError) {
	if len(rest) == 0 {
		switch c.method {
		case http.MethodGet:
			ids := []string{}
			for id := range cl.updates {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			return ids, nil
		case http.MethodPost:
			var spec struct {
				LibraryItemID             string `json:"library_item_id"`
				LibraryItemContentVersion string `json:"library_item_content_version"`
			}
			if err := c.decode(&spec, "create_spec"); err != nil {
				return nil, err
			}
			it := cl.items[spec.LibraryItemID]
			if it == nil {
				return nil, notFoundErr("library item", spec.LibraryItemID)
			}
			if spec.LibraryItemContentVersion != "" && spec.LibraryItemContentVersion != strconv.Itoa(it.ContentVersion) {
				return nil, &vapiError{http.StatusBadRequest, "CONCURRENT_CHANGE", fmt.Sprintf("library item %s is at content version %d, not %s", it.ID, it.ContentVersion, spec.LibraryItemContentVersion)}
			}
			for _, up := range cl.updates {
				if up.ItemID == it.ID && up.State == "ACTIVE" {
					return nil, &vapiError{http.StatusBadRequest, "RESOURCE_BUSY", fmt.Sprintf("library item %s already has an active update session", it.ID)}
				}
			}
			id := newUUID()
			up := &clUpdate{ID: id, ItemID: it.ID, ContentVersion: it.ContentVersion, State: "ACTIVE", Expires: time.Now().Add(5 * time.Minute), Files: map[string]*clUpFile{}, Removed: map[string]bool{}, dir: filepath.Join(cl.root, "update-"+id)}
			if err := os.MkdirAll(up.dir, 0o750); err != nil {
				return nil, &vapiError{http.StatusInternalServerError, "ERROR", err.Error()}
			}
			cl.updates[id] = up
			return id, nil
		}
	}
	up := cl.updates[rest[0]]
	if up == nil {
		return nil, notFoundErr("update session", rest[0])
	}
	if len(rest) == 1 {
		switch c.method {
		case http.MethodGet:
			return up.model(), nil
		case http.MethodDelete:
			cl.endUpdate(up, "CANCELED", "")
			delete(cl.updates, up.ID)
			return nil, nil
		case http.MethodPost:
			switch c.action {
			case "keep-alive":
				if up.State != "ACTIVE" {
					return nil, wrongState("update session %s is %s", up.ID, up.State)
				}
				up.Expires = time.Now().Add(5 * time.Minute)
				return nil, nil
			case "cancel":
				if up.State != "ACTIVE" {
					return nil, wrongState("update session %s is %s", up.ID, up.State)
				}
				cl.endUpdate(up, "CANCELED", "")
				return nil, nil
			case "fail":
				var spec struct {
					ClientErrorMessage string `json:"client_error_message"`
				}
				_ = json.Unmarshal(c.body, &spec)
				if up.State != "ACTIVE" {
					return nil, wrongState("update session %s is %s", up.ID, up.State)
				}
				cl.endUpdate(up, "ERROR", spec.ClientErrorMessage)
				return nil, nil
			case "complete":
				return nil, cl.complete(up)
			}
		}
	}
	if len(rest) == 2 && rest[1] == "file" {
		switch {
		case c.method == http.MethodGet:
			out := []map[string]interface{}{}
			for _, name := range sortedUp(up.Files) {
				out = append(out, up.Files[name].model())
			}
			return out, nil
		case c.action == "validate":
			return up.validate(), nil
		case c.action == "remove":
			var spec struct {
				FileName string `json:"file_name"`
			}
			if err := c.decode(&spec, ""); err != nil {
				return nil, err
			}
			if f := up.Files[spec.FileName]; f != nil {
				_ = os.Remove(f.path)
				for tok, g := range cl.upTokens {
					if g == f {
						delete(cl.upTokens, tok)
					}
				}
				delete(up.Files, spec.FileName)
				return nil, nil
			}
			if it := cl.items[up.ItemID]; it == nil || it.Files[spec.FileName] == nil {
				return nil, notFoundErr("file", spec.FileName)
			}
			up.Removed[spec.FileName] = true
			return nil, nil
		case c.method == http.MethodPost:
			return cl.addFile(c, up)
		}
	}
	return nil, &vapiError{http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no operation %s update-session/%s", c.method, strings.Join(rest, "/"))}
}

func sortedUp(m map[string]*clUpFile) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (up *clUpdate) model() map[string]interface{} {
	m := map[string]interface{}{"id": up.ID, "library_item_id": up.ItemID, "library_item_content_version": strconv.Itoa(up.ContentVersion),
		"state": up.State, "client_progress": 0, "expiration_time": up.Expires.UTC().Format(time.RFC3339)}
	if up.ErrorMessage != "" {
		m["error_message"] = message("vcsim.ovfkit.update_session", up.ErrorMessage)
	}
	return m
}

func (f *clUpFile) model() map[string]interface{} {
	m := map[string]interface{}{"name": f.Name, "source_type": f.SourceType, "status": f.Status, "bytes_transferred": f.Received}
	if f.Size >= 0 {
		m["size"] = f.Size
	}
	if f.Checksum != "" {
		m["checksum_info"] = map[string]string{"algorithm": f.Algorithm, "checksum": f.Checksum}
	}
	if f.SourceType == "PUSH" {
		m["upload_endpoint"] = map[string]string{"uri": f.token}
	} else {
		m["source_endpoint"] = map[string]string{"uri": f.SourceURI}
	}
	if f.ErrorMessage != "" {
		m["error_message"] = message("vcsim.ovfkit.update_file", f.ErrorMessage)
	}
	return m
}

var checksumAlgorithms = map[string]func() hash.Hash{"SHA1": sha1.New, "SHA256": sha256.New, "SHA512": sha512.New, "MD5": md5.New}

func (cl *contentLibrary) addFile(c *vapiCall, up *clUpdate) (interface{}, *vapiError) {
	if up.State != "ACTIVE" {
		return nil, wrongState("update session %s is %s", up.ID, up.State)
	}
	var spec struct {
		Name           string `json:"name"`
		SourceType     string `json:"source_type"`
		Size           *int64 `json:"size"`
		SourceEndpoint *struct {
			URI                      string `json:"uri"`
			SslCertificateThumbprint string `json:"ssl_certificate_thumbprint"`
		} `json:"source_endpoint"`
		ChecksumInfo *struct {
			Algorithm string `json:"algorithm"`
			Checksum  string `json:"checksum"`
		} `json:"checksum_info"`
	}
	if err := c.decode(&spec, "file_spec"); err != nil {
		return nil, err
	}
	if spec.Name == "" || strings.ContainsAny(spec.Name, "/\\\x00") || spec.Name == "." || spec.Name == ".." {
		return nil, invalidArg("file name %q is not a plain file name", spec.Name)
	}
	if up.Files[spec.Name] != nil {
		return nil, &vapiError{http.StatusBadRequest, "ALREADY_EXISTS", fmt.Sprintf("update session %s already has a file %q", up.ID, spec.Name)}
	}
	f := &clUpFile{Name: spec.Name, SourceType: spec.SourceType, Status: "WAITING_FOR_TRANSFER", Size: -1, path: filepath.Join(up.dir, spec.Name), session: up.ID, item: up.ItemID}
	if spec.Size != nil {
		f.Size = *spec.Size
	}
	if spec.ChecksumInfo != nil {
		alg := strings.ToUpper(spec.ChecksumInfo.Algorithm)
		if checksumAlgorithms[alg] == nil {
			return nil, invalidArg("checksum algorithm %q is not one of SHA1, SHA256, SHA512, MD5", spec.ChecksumInfo.Algorithm)
		}
		f.Algorithm, f.Checksum = alg, strings.ToLower(spec.ChecksumInfo.Checksum)
	}
	token := newUUID()
	switch spec.SourceType {
	case "PUSH":
		f.token = fmt.Sprintf("https://%s%s%s/%s", c.request.Host, libraryDataPath, token, spec.Name)
		cl.upTokens[token] = f
	case "PULL":
		if spec.SourceEndpoint == nil || spec.SourceEndpoint.URI == "" {
			return nil, invalidArg("a PULL file needs source_endpoint.uri")
		}
		f.SourceURI = spec.SourceEndpoint.URI
		f.Status = "TRANSFERRING"
		go cl.pull(up, f, spec.SourceEndpoint.SslCertificateThumbprint)
	default:
		return nil, invalidArg("source_type must be PUSH or PULL, not %q", spec.SourceType)
	}
	up.Files[spec.Name] = f
	return f.model(), nil
}

// receive stores the bytes of one update file, hashing them; the caller does not hold cl.mu.
func (cl *contentLibrary) receive(f *clUpFile, body io.Reader, progress func(int64)) error {
	out, err := os.Create(f.path)
	if err != nil {
		return err
	}
	h1 := sha1.New()
	var hd hash.Hash
	ws := []io.Writer{out, h1}
	if f.Algorithm != "" && f.Algorithm != "SHA1" {
		hd = checksumAlgorithms[f.Algorithm]()
		ws = append(ws, hd)
	}
	// SHA-256 of every file for GET /ovfkit/state (received.go): the declared one when it is SHA256.
	h256 := hd
	if f.Algorithm != "SHA256" {
		h256 = sha256.New()
		ws = append(ws, h256)
	}
	w := io.MultiWriter(ws...)
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, rerr := body.Read(buf)
		if k > 0 {
			if _, werr := w.Write(buf[:k]); werr != nil {
				_ = out.Close()
				return werr
			}
			n += int64(k)
			cl.mu.Lock()
			f.Received = n
			cl.mu.Unlock()
			if progress != nil {
				progress(n)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			_ = out.Close()
			return rerr
		}
	}
	if err := out.Close(); err != nil {
		return err
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	f.sha1 = hex.EncodeToString(h1.Sum(nil))
	f.digest = f.sha1
	if hd != nil {
		f.digest = hex.EncodeToString(hd.Sum(nil))
	}
	if cl.received != nil {
		cl.received.add(received{Kind: "libraryUpload", Session: f.session, Item: f.item, File: f.Name, Length: n, Sha256: "sha256:" + hex.EncodeToString(h256.Sum(nil))})
	}
	if f.Size >= 0 && n != f.Size {
		return fmt.Errorf("received %d bytes of %s, the file spec says %d", n, f.Name, f.Size)
	}
	return nil
}

// pull fetches a PULL file itself, as vCenter does (no proxy; any certificate unless a
// thumbprint was given, which is then required to match).
func (cl *contentLibrary) pull(up *clUpdate, f *clUpFile, thumbprint string) {
	err := func() error {
		res, err := pullClient(thumbprint).Get(f.SourceURI)
		if err != nil {
			return fmt.Errorf("cannot reach %s: %v", redactURL(f.SourceURI), err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered HTTP %d", redactURL(f.SourceURI), res.StatusCode)
		}
		return cl.receive(f, res.Body, nil)
	}()
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if err != nil {
		f.Status, f.ErrorMessage = "ERROR", err.Error()
		// The session fails; what it received is discarded when the client cancels or deletes it
		// (other pulls of the session may still be writing into it).
		if up.State == "ACTIVE" {
			up.State, up.ErrorMessage = "ERROR", fmt.Sprintf("file %s: %v", f.Name, err)
		}
		return
	}
	f.Status = "READY"
	if msg := f.checksumError(); msg != "" {
		f.Status, f.ErrorMessage = "ERROR", msg
	}
}

func redactURL(s string) string {
	if i := strings.Index(s, "?"); i >= 0 {
		return s[:i] + "?…"
	}
	return s
}

func (f *clUpFile) checksumError() string {
	if f.Checksum != "" && f.digest != f.Checksum {
		return fmt.Sprintf("the %s checksum of %s is %s, the file spec says %s", f.Algorithm, f.Name, f.digest, f.Checksum)
	}
	return ""
}

// validate is update-session file validate: which files are missing bytes or checksums fail.
func (up *clUpdate) validate() map[string]interface{} {
	missing := []string{}
	invalid := []map[string]interface{}{}
	for _, name := range sortedUp(up.Files) {
		f := up.Files[name]
		switch {
		case f.Status == "WAITING_FOR_TRANSFER" || f.Status == "TRANSFERRING":
			missing = append(missing, f.Name)
		case f.Status == "ERROR":
			invalid = append(invalid, map[string]interface{}{"name": f.Name, "error_message": message("vcsim.ovfkit.invalid_file", f.ErrorMessage)})
		}
	}
	return map[string]interface{}{"has_errors": len(missing)+len(invalid) > 0, "missing_files": missing, "invalid_files": invalid}
}

// complete commits a session's files to its item, all or nothing; cl.mu is held.
func (cl *contentLibrary) complete(up *clUpdate) *vapiError {
	if up.State != "ACTIVE" {
		return wrongState("update session %s is %s", up.ID, up.State)
	}
	it := cl.items[up.ItemID]
	if it == nil {
		cl.endUpdate(up, "ERROR", "the library item was deleted")
		return notFoundErr("library item", up.ItemID)
	}
	v := up.validate()
	if v["has_errors"].(bool) {
		var why []string
		for _, m := range v["missing_files"].([]string) {
			why = append(why, m+": no bytes received")
		}
		for _, f := range v["invalid_files"].([]map[string]interface{}) {
			why = append(why, f["error_message"].(map[string]interface{})["default_message"].(string))
		}
		msg := "the update session's files are not valid: " + strings.Join(why, "; ")
		cl.endUpdate(up, "ERROR", msg)
		return wrongState("%s", msg)
	}
	changed := false
	for name := range up.Removed {
		if f := it.Files[name]; f != nil && up.Files[name] == nil {
			_ = os.Remove(f.path)
			delete(it.Files, name)
			changed = true
		}
	}
	for _, name := range sortedUp(up.Files) {
		f := up.Files[name]
		dst := filepath.Join(it.dir, f.Name)
		if err := os.Rename(f.path, dst); err != nil {
			cl.endUpdate(up, "ERROR", err.Error())
			return &vapiError{http.StatusInternalServerError, "ERROR", err.Error()}
		}
		alg, sum := "SHA1", f.sha1
		if f.Checksum != "" {
			alg, sum = f.Algorithm, f.digest
		}
		old := it.Files[f.Name]
		version := 1
		if old != nil {
			version = old.Version + 1
		}
		it.Files[f.Name] = &clFile{Name: f.Name, Size: f.Received, Algorithm: alg, Checksum: sum, Version: version, path: dst}
		changed = true
	}
	if changed {
		it.ContentVersion++
		it.Modified = time.Now()
	}
	up.State = "DONE"
	cl.forgetTokens(up)
	_ = os.RemoveAll(up.dir)
	return nil
}

// endUpdate ends a session without committing: what it received is discarded, as vCenter does.
func (cl *contentLibrary) endUpdate(up *clUpdate, state, msg string) {
	if up.State == "ACTIVE" {
		up.State = state
		up.ErrorMessage = msg
	}
	cl.discard(up)
}

func (cl *contentLibrary) discard(up *clUpdate) {
	cl.forgetTokens(up)
	_ = os.RemoveAll(up.dir)
}

func (cl *contentLibrary) forgetTokens(up *clUpdate) {
	for tok, f := range cl.upTokens {
		if up.Files[f.Name] == f {
			delete(cl.upTokens, tok)
		}
	}
}

// downloadSession serves /content/library/item/download-session[/{id}[/file]]; cl.mu is held.
func (cl *contentLibrary) downloadSession(c *vapiCall, rest []string) (interface{}, *vapiError) {
	if len(rest) == 0 && c.method == http.MethodPost {
		var spec struct {
			LibraryItemID string `json:"library_item_id"`
		}
		if err := c.decode(&spec, "create_spec"); err != nil {
			return nil, err
		}
		if cl.items[spec.LibraryItemID] == nil {
			return nil, notFoundErr("library item", spec.LibraryItemID)
		}
		id := newUUID()
		cl.downloads[id] = &clDownload{ID: id, ItemID: spec.LibraryItemID, Expires: time.Now().Add(5 * time.Minute), Prepared: map[string]string{}}
		return id, nil
	}
	if len(rest) == 0 && c.method == http.MethodGet {
		ids := []string{}
		for id := range cl.downloads {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		return ids, nil
	}
	if len(rest) == 0 {
		return nil, invalidArg("unsupported method %s", c.method)
	}
	dl := cl.downloads[rest[0]]
	if dl == nil {
		return nil, notFoundErr("download session", rest[0])
	}
	it := cl.items[dl.ItemID]
	if len(rest) == 1 {
		switch {
		case c.method == http.MethodGet:
			return map[string]interface{}{"id": dl.ID, "library_item_id": dl.ItemID, "state": "ACTIVE", "expiration_time": dl.Expires.UTC().Format(time.RFC3339)}, nil
		case c.method == http.MethodDelete || c.action == "cancel" || c.action == "fail":
			cl.endDownload(dl)
			return nil, nil
		case c.action == "keep-alive":
			dl.Expires = time.Now().Add(5 * time.Minute)
			return nil, nil
		}
	}
	if len(rest) == 2 && rest[1] == "file" && it != nil {
		fileInfo := func(name string) map[string]interface{} {
			f := it.Files[name]
			m := map[string]interface{}{"name": name, "status": "UNPREPARED", "bytes_transferred": 0, "size": f.Size,
				"checksum_info": map[string]string{"algorithm": f.Algorithm, "checksum": f.Checksum}}
			if tok, ok := dl.Prepared[name]; ok {
				m["status"] = "PREPARED"
				m["download_endpoint"] = map[string]string{"uri": fmt.Sprintf("https://%s%s%s/%s", c.request.Host, libraryDataPath, tok, name)}
			}
			return m
		}
		switch {
		case c.action == "prepare" || c.action == "get":
			var spec struct {
				FileName string `json:"file_name"`
			}
			if err := c.decode(&spec, ""); err != nil {
				return nil, err
			}
			if it.Files[spec.FileName] == nil {
				return nil, notFoundErr("file", spec.FileName)
			}
			if c.action == "prepare" {
				if _, ok := dl.Prepared[spec.FileName]; !ok {
					tok := newUUID()
					dl.Prepared[spec.FileName] = tok
					cl.downTokens[tok] = [2]string{dl.ID, spec.FileName}
				}
			}
			return fileInfo(spec.FileName), nil
		case c.method == http.MethodGet:
			out := []map[string]interface{}{}
			for _, name := range sortedKeys(it.Files) {
				out = append(out, fileInfo(name))
			}
			return out, nil
		}
	}
	return nil, &vapiError{http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no operation %s download-session/%s", c.method, strings.Join(rest, "/"))}
}

func (cl *contentLibrary) endDownload(dl *clDownload) {
	for _, tok := range dl.Prepared {
		delete(cl.downTokens, tok)
	}
	delete(cl.downloads, dl.ID)
}

// serveData is the transfer endpoint: PUT the bytes of a PUSH file, GET a prepared download.
// The token in the path is the authorization, as on vCenter (and the session header when given).
func (cl *contentLibrary) serveData(w http.ResponseWriter, r *http.Request, x *extensions) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, libraryDataPath), "/")
	if len(parts) != 2 {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodPut, http.MethodPost:
		cl.mu.Lock()
		f := cl.upTokens[parts[0]]
		cl.mu.Unlock()
		if f == nil || f.Name != parts[1] {
			http.Error(w, "no such upload endpoint (the update session ended?)", http.StatusNotFound)
			return
		}
		cl.mu.Lock()
		if f.Status != "WAITING_FOR_TRANSFER" {
			cl.mu.Unlock()
			http.Error(w, "this file was already transferred", http.StatusConflict)
			return
		}
		f.Status = "TRANSFERRING"
		cl.mu.Unlock()
		t := x.newTransfer("libraryUpload", "")
		body := &throttled{r: r.Body, t: t}
		err := cl.receive(f, body, nil)
		cl.mu.Lock()
		if err != nil {
			f.Status, f.ErrorMessage = "ERROR", err.Error()
			cl.mu.Unlock()
			if err == errCut {
				cut(w)
				return
			}
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.Status = "READY"
		if msg := f.checksumError(); msg != "" {
			f.Status, f.ErrorMessage = "ERROR", msg
		}
		cl.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		cl.mu.Lock()
		ref, ok := cl.downTokens[parts[0]]
		var path string
		if ok {
			if dl := cl.downloads[ref[0]]; dl != nil {
				if it := cl.items[dl.ItemID]; it != nil && it.Files[ref[1]] != nil && ref[1] == parts[1] {
					path = it.Files[ref[1]].path
				}
			}
		}
		cl.mu.Unlock()
		if path == "" {
			http.Error(w, "no such download endpoint", http.StatusNotFound)
			return
		}
		http.ServeFile(w, r, path)
	default:
		http.Error(w, "use PUT or GET", http.StatusMethodNotAllowed)
	}
}

var errCut = fmt.Errorf("connection cut by an injection")

// throttled applies the dropConnection(direction libraryUpload) and slowNfc injections to a body.
type throttled struct {
	r io.Reader
	t *transfer
}

func (b *throttled) Read(p []byte) (int, error) {
	if b.t.shouldDrop() {
		return 0, errCut
	}
	p = p[:b.t.limit(len(p))]
	n, err := b.r.Read(p)
	b.t.done += int64(n)
	return n, err
}

// libraryState is GET /ovfkit/library: what the tests check "nothing half-published" against.
func (cl *contentLibrary) state() map[string]interface{} {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	libs := []map[string]interface{}{}
	for _, id := range sortedIDs(cl.libraries) {
		libs = append(libs, cl.libraries[id].model())
	}
	items := []map[string]interface{}{}
	for _, it := range cl.items {
		m := it.model()
		m["files"] = it.fileModels()
		items = append(items, m)
	}
	sort.Slice(items, func(i, j int) bool { return items[i]["id"].(string) < items[j]["id"].(string) })
	ups := []map[string]interface{}{}
	for _, up := range cl.updates {
		m := up.model()
		files := []map[string]interface{}{}
		for _, name := range sortedUp(up.Files) {
			files = append(files, up.Files[name].model())
		}
		m["files"] = files
		ups = append(ups, m)
	}
	sort.Slice(ups, func(i, j int) bool { return ups[i]["id"].(string) < ups[j]["id"].(string) })
	dls := []string{}
	for id := range cl.downloads {
		dls = append(dls, id)
	}
	sort.Strings(dls)
	calls := map[string]int{}
	for k, v := range cl.calls {
		calls[k] = v
	}
	return map[string]interface{}{"libraries": libs, "items": items, "updateSessions": ups, "downloadSessions": dls, "restSessions": len(cl.sessions), "calls": calls}
}

func sortedIDs(m map[string]*clLibrary) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
