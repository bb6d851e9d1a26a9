package wasi

import (
	"fmt"
	"sync"
)

// kind is the resource type of a table entry.
type kind uint8

const (
	kindPollable kind = iota + 1
	kindInputStream
	kindOutputStream
	kindError
	kindTerminalInput
	kindTerminalOutput
	kindDescriptor
	kindDirectoryEntryStream
	kindNetwork
	kindTCPSocket
	kindUDPSocket
	kindIncomingDatagramStream
	kindOutgoingDatagramStream
	kindResolveAddressStream
	kindFields
	kindIncomingRequest
	kindOutgoingRequest
	kindRequestOptions
	kindResponseOutparam
	kindIncomingResponse
	kindIncomingBody
	kindFutureTrailers
	kindOutgoingResponse
	kindOutgoingBody
	kindFutureIncomingResponse

	kindCount // the number of kinds, plus one
)

var kindNames = [...]string{
	kindPollable:               "pollable",
	kindInputStream:            "input-stream",
	kindOutputStream:           "output-stream",
	kindError:                  "error",
	kindTerminalInput:          "terminal-input",
	kindTerminalOutput:         "terminal-output",
	kindDescriptor:             "descriptor",
	kindDirectoryEntryStream:   "directory-entry-stream",
	kindNetwork:                "network",
	kindTCPSocket:              "tcp-socket",
	kindUDPSocket:              "udp-socket",
	kindIncomingDatagramStream: "incoming-datagram-stream",
	kindOutgoingDatagramStream: "outgoing-datagram-stream",
	kindResolveAddressStream:   "resolve-address-stream",
	kindFields:                 "fields",
	kindIncomingRequest:        "incoming-request",
	kindOutgoingRequest:        "outgoing-request",
	kindRequestOptions:         "request-options",
	kindResponseOutparam:       "response-outparam",
	kindIncomingResponse:       "incoming-response",
	kindIncomingBody:           "incoming-body",
	kindFutureTrailers:         "future-trailers",
	kindOutgoingResponse:       "outgoing-response",
	kindOutgoingBody:           "outgoing-body",
	kindFutureIncomingResponse: "future-incoming-response",
}

func (k kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// maxLive bounds the resources a host keeps for its guests at once: a
// guest that creates handles and never drops them traps instead of growing
// the host's memory without end.
const maxLive = 1 << 20

// table holds the Go objects behind the resource handles a host gave its
// guests, keyed by rep: the number the component runtime stores in the
// guest's handle and passes back on every call. Reps count up from 1 and
// are reused only after 2³² of them were made, and then only reps whose
// resource was dropped: the runtime removes a handle from the guest's
// table before it calls the destructor, so no handle can name a freed rep.
// A rep that names nothing, or something of another kind, is an error (the
// guest traps), never a panic.
type table struct {
	mu      sync.Mutex
	next    uint32
	wrapped bool
	entries map[uint32]entry
}

type entry struct {
	kind kind
	obj  any
}

func newTable() *table { return &table{entries: map[uint32]entry{}} }

func (t *table) add(k kind, obj any) (uint32, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.entries) >= maxLive {
		return 0, fmt.Errorf("too many WASI resources alive (%d): the guest does not drop its handles", len(t.entries))
	}
	for {
		t.next++
		if t.next == 0 {
			t.wrapped = true
			continue
		}
		if !t.wrapped {
			break
		}
		if _, used := t.entries[t.next]; !used {
			break
		}
	}
	t.entries[t.next] = entry{kind: k, obj: obj}
	return t.next, nil
}

func (t *table) get(k kind, rep uint32) (any, error) {
	t.mu.Lock()
	e, ok := t.entries[rep]
	t.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("unknown %s handle (rep %d)", k, rep)
	}
	if e.kind != k {
		return nil, fmt.Errorf("handle (rep %d) is a %s, expected a %s", rep, e.kind, k)
	}
	return e.obj, nil
}

func (t *table) remove(k kind, rep uint32) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[rep]
	if !ok {
		return nil, fmt.Errorf("drop of an unknown %s handle (rep %d)", k, rep)
	}
	if e.kind != k {
		return nil, fmt.Errorf("drop of handle (rep %d): it is a %s, expected a %s", rep, e.kind, k)
	}
	delete(t.entries, rep)
	return e.obj, nil
}

// drain empties the table and returns the objects it held.
func (t *table) drain() []any {
	t.mu.Lock()
	defer t.mu.Unlock()
	objs := make([]any, 0, len(t.entries))
	for rep, e := range t.entries {
		objs = append(objs, e.obj)
		delete(t.entries, rep)
	}
	return objs
}

func (t *table) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}
