package wasi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"

	"github.com/plugwit/plugwit/component"
)

// HTTPHandler serves HTTP with a component that exports
// `wasi:http/incoming-handler` (the `wasi:http/proxy` world): every
// request gets a new instance of the component, in a WASI context of its
// own, whose `handle` receives the request as an incoming-request and
// answers through its response-outparam; the response's body streams to
// the client as the guest writes it. (Why an instance per request: see
// RATIONALE.md, "Why a component instance per HTTP request?")
//
// A request is answered 500 Internal Server Error when the component
// cannot be instantiated, traps before it sets a response, or returns
// without setting one; a response it sets to an error-code gets a status
// that fits the code (403 for `HTTP-request-denied`, 502 or 504 for the
// failures of a request the guest made itself, 500 otherwise). A guest
// that traps after sending the status, or drops the body of its response
// without finishing it, has the connection aborted (http.ErrAbortHandler),
// so that the client sees an incomplete response rather than a short one.
//
// The request's context (client gone, server shutting down) cancels the
// guest's blocking waits; the guest then traps.
type HTTPHandler struct {
	pre    *component.InstancePre
	defs   *Definitions
	cfg    Config
	export string // "wasi:http/incoming-handler@0.2.x#handle"

	// ErrorLog receives the reasons of failed requests (traps, missing
	// responses); nil means the log package's standard logger.
	ErrorLog *log.Logger
}

// NewHTTPHandler returns an http.Handler that serves requests with
// instances of pre, which must have been linked with d's Linker and must
// export `wasi:http/incoming-handler` at a 0.2.x version. Each instance
// gets its own WASI context, configured by cfg: its stdio, environment,
// preopened directories and the hosts it may send requests to
// (WithAllowHTTP). cfg is checked here, once.
func (d *Definitions) NewHTTPHandler(pre *component.InstancePre, cfg Config) (*HTTPHandler, error) {
	s := &HTTPHandler{pre: pre, defs: d, cfg: cfg}
	for _, e := range pre.Component().Exports() {
		if strings.HasPrefix(e.Name, "wasi:http/incoming-handler@0.2.") && e.Kind == "instance" {
			s.export = e.Name + "#handle"
		}
	}
	if s.export == "" {
		return nil, errors.New("wasi: the component does not export wasi:http/incoming-handler@0.2.x")
	}
	h, err := d.newHost(cfg)
	if err != nil {
		return nil, err
	}
	h.close()
	return s, nil
}

// responseOutparam is the object behind a response-outparam handle: the
// first of set or drop delivers the guest's answer.
type responseOutparam struct {
	once sync.Once
	ch   chan outparamResult // buffered: delivered once
	resp *outgoingResponse   // what set delivered, for the guest's goroutine
}

type outparamResult struct {
	resp *outgoingResponse // nil: an error-code, or no answer
	err  *httpError
}

func (o *responseOutparam) deliver(resp *outgoingResponse, err *httpError) {
	o.once.Do(func() {
		o.resp = resp
		o.ch <- outparamResult{resp, err}
	})
}

// release answers nothing: the guest dropped the outparam, or returned
// without setting it.
func (o *responseOutparam) release() { o.deliver(nil, nil) }

func (s *HTTPHandler) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// ServeHTTP serves r with a new instance of the component.
func (s *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	fail := func(status int, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		s.logf("plugwit: %s %s: %s", r.Method, r.URL.RequestURI(), msg)
		http.Error(w, http.StatusText(status), status)
	}
	h, err := s.defs.newHost(s.cfg)
	if err != nil {
		fail(http.StatusInternalServerError, "%v", err)
		return
	}
	defer h.close()
	inst, err := s.pre.Instantiate(ctx, component.WithHostData(hostKey{s.defs}, h))
	if err != nil {
		fail(http.StatusInternalServerError, "instantiate: %v", err)
		return
	}
	defer inst.Close(context.WithoutCancel(ctx))
	fn := inst.Func(s.export)
	if fn == nil {
		fail(http.StatusInternalServerError, "the instance has no export %s", s.export)
		return
	}

	// The guest may stream its response while it reads the request's
	// body: let HTTP/1.1 do that too (HTTP/2 always does).
	http.NewResponseController(w).EnableFullDuplex()

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	body := newIncomingBody(&bodyReader{
		body:    r.Body,
		trailer: func() http.Header { return r.Trailer },
		mapErr:  func(err error) *httpError { return codeError("connection-terminated", err) },
	})
	req := &incomingRequest{
		method: r.Method, pathQuery: r.URL.RequestURI(), scheme: scheme, authority: r.Host,
		headers: fieldsFrom(r.Header), body: body,
	}
	reqV, err := h.newResource(kindIncomingRequest, req)
	if err != nil {
		fail(http.StatusInternalServerError, "%v", err)
		return
	}
	out := &responseOutparam{ch: make(chan outparamResult, 1)}
	outV, err := h.newResource(kindResponseOutparam, out)
	if err != nil {
		fail(http.StatusInternalServerError, "%v", err)
		return
	}

	done := make(chan error, 1)
	go func() {
		_, err := fn.Call(ctx, reqV, outV)
		// The call is over: an answer not given, or a body not finished,
		// never will be.
		out.release()
		if out.resp != nil && out.resp.body != nil {
			why := errors.New("incoming-handler.handle returned before finishing the response body")
			if err != nil {
				why = err
			}
			out.resp.body.p.abort(why)
		}
		done <- err
	}()

	res := <-out.ch
	if res.resp == nil {
		callErr := <-done
		switch {
		case res.err != nil:
			fail(errorStatus(res.err.code.Case), "the component answered the error %v", res.err)
		case callErr != nil:
			fail(http.StatusInternalServerError, "%v", callErr)
		default:
			fail(http.StatusInternalServerError, "the component returned without setting a response")
		}
		return
	}

	resp := res.resp
	for k, vs := range resp.headers.header() {
		w.Header()[k] = vs
	}
	if resp.body == nil {
		w.WriteHeader(resp.status)
		if err := <-done; err != nil {
			s.logf("plugwit: %s %s: after the response: %v", r.Method, r.URL.RequestURI(), err)
		}
		return
	}
	p := resp.body.p // attached by response-outparam.set
	w.WriteHeader(resp.status)
	rc := http.NewResponseController(w)
	rc.Flush() // the status goes out now, whatever the guest does next
	buf := make([]byte, maxChunk)
	var aborted error
	for {
		n, err := p.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				p.closeRead(werr)
				aborted = werr
				break
			}
			rc.Flush()
		}
		if err == io.EOF {
			for k, vs := range p.trailersAfterEOF() {
				w.Header()[http.TrailerPrefix+k] = vs
			}
			break
		}
		if err != nil {
			aborted = err
			break
		}
	}
	p.closeRead(errBodyReadDone)
	callErr := <-done
	if aborted != nil {
		s.logf("plugwit: %s %s: response body: %v", r.Method, r.URL.RequestURI(), aborted)
		panic(http.ErrAbortHandler)
	}
	if callErr != nil {
		s.logf("plugwit: %s %s: after the response: %v", r.Method, r.URL.RequestURI(), callErr)
	}
}

// errorStatus is the status of a response the guest set to an error-code.
func errorStatus(code string) int {
	switch {
	case code == "HTTP-request-denied":
		return http.StatusForbidden
	case code == "HTTP-request-URI-too-long":
		return http.StatusRequestURITooLong
	case code == "HTTP-request-length-required":
		return http.StatusLengthRequired
	case strings.HasPrefix(code, "HTTP-request-body-size"):
		return http.StatusRequestEntityTooLarge
	case strings.HasPrefix(code, "HTTP-request-"):
		return http.StatusBadRequest
	case code == "DNS-timeout" || strings.HasSuffix(code, "-timeout"):
		return http.StatusGatewayTimeout
	case strings.HasPrefix(code, "DNS-"), strings.HasPrefix(code, "destination-"),
		strings.HasPrefix(code, "connection-"), strings.HasPrefix(code, "TLS-"),
		strings.HasPrefix(code, "HTTP-response-"), code == "HTTP-protocol-error":
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}
