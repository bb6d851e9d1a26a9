package wasi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/plugwit/plugwit/component"
)

// wasi:http/outgoing-handler over net/http, for the hosts a Config allows
// (WithAllowHTTP). handle checks the request and the allowlist, then sends
// the request on a goroutine of its own and returns a future the guest
// polls; the request's body streams from the guest's output-stream while
// it is sent, and the response's body streams to the guest's input-stream,
// through buffers of bounded size. The request lives in its own context,
// not the guest's call's: it outlives the call that made it, and ends when
// the guest drops what it holds of it (or the host closes its context).

var (
	errFirstByte    = errors.New("no response within the first-byte timeout")
	errBetweenBytes = errors.New("no more of the response body within the between-bytes timeout")
	errRequestEnded = errors.New("the guest dropped the request")
)

// connectTimeoutKey carries the connect timeout of one request to the
// dialer of the default transport.
type connectTimeoutKey struct{}

// defaultTransport is the transport of every host without WithHTTPTransport.
var defaultTransport = &http.Transport{
	Proxy: http.ProxyFromEnvironment,
	DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := net.Dialer{KeepAlive: 30 * time.Second}
		if t, ok := ctx.Value(connectTimeoutKey{}).(time.Duration); ok && t > 0 {
			d.Timeout = t
		}
		return d.DialContext(ctx, network, addr)
	},
	ForceAttemptHTTP2:     true,
	MaxIdleConns:          100,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   30 * time.Second,
	ExpectContinueTimeout: time.Second,
}

// httpClient is what a host needs to send requests.
type httpClient struct {
	allow     httpAllow
	transport http.RoundTripper
	timeouts  HTTPTimeouts
}

func newHTTPClient(hc httpConfig) (*httpClient, error) {
	allow, err := parseHTTPAllow(hc.allow)
	if err != nil {
		return nil, err
	}
	c := &httpClient{allow: allow, transport: hc.transport, timeouts: hc.effectiveTimeouts()}
	if c.transport == nil {
		c.transport = defaultTransport
	}
	return c, nil
}

// futureResponse is the object behind a future-incoming-response handle.
type futureResponse struct {
	mu     sync.Mutex
	done   bool
	resp   *incomingResponse
	err    *httpError
	taken  bool // get returned the result: the response is the guest's
	sig    signal
	cancel context.CancelCauseFunc
}

func (f *futureResponse) ready() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done
}

func (f *futureResponse) watch(ch chan struct{}) (stop func()) { return f.sig.watch(ch) }

func (f *futureResponse) complete(resp *incomingResponse, err *httpError) {
	f.mu.Lock()
	f.done, f.resp, f.err = true, resp, err
	f.mu.Unlock()
	f.sig.notify()
}

// release ends a request whose response the guest did not take.
func (f *futureResponse) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.taken {
		return
	}
	f.cancel(errRequestEnded)
	if f.resp != nil {
		f.resp.body.release()
	}
}

func (f *futureResponse) get(h *host) (component.Value, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case !f.done:
		return component.None, nil
	case f.taken:
		return component.Some(component.Err(nil)), nil
	}
	if f.err != nil {
		f.taken = true
		return component.Some(component.Ok(component.Err(f.err.code))), nil
	}
	v, err := h.newResource(kindIncomingResponse, f.resp)
	if err != nil {
		return nil, err
	}
	f.taken = true
	return component.Some(component.Ok(component.Ok(v))), nil
}

// timeout returns the guest's timeout (nanoseconds), capped by the host's.
func timeout(guest *uint64, host time.Duration) time.Duration {
	if guest != nil && *guest < uint64(host) {
		return time.Duration(*guest)
	}
	return host
}

// send checks the request and sends it; a request that cannot be sent
// gets its error-code.
func (h *host) send(r *outgoingRequest, o *requestOptions) (*futureResponse, *httpError) {
	fail := func(e *httpError) (*futureResponse, *httpError) {
		if r.body != nil {
			r.body.p.abort(e)
			r.body.p.closeRead(e)
		}
		return nil, e
	}
	scheme := "https"
	if r.scheme != nil {
		scheme = strings.ToLower(*r.scheme)
	}
	if scheme != "http" && scheme != "https" {
		return fail(codeError("HTTP-request-URI-invalid", fmt.Errorf("scheme %q is not http or https", scheme)))
	}
	if r.author == nil {
		return fail(codeError("HTTP-request-URI-invalid", errors.New("the request has no authority")))
	}
	authority := *r.author
	host, port, err := net.SplitHostPort(authority)
	if err != nil {
		host, port = authority, "80"
		if scheme == "https" {
			port = "443"
		}
	}
	if !h.http.allow.allows(scheme, host, port) {
		return fail(codeError("HTTP-request-denied", fmt.Errorf("%s://%s is not allowed", scheme, authority)))
	}
	pq := "/"
	if r.pathQuery != nil && *r.pathQuery != "*" {
		pq = *r.pathQuery
	}
	u, err := url.Parse(scheme + "://" + authority + pq)
	if err != nil {
		return fail(codeError("HTTP-request-URI-invalid", err))
	}
	limit, err := contentLength(r.headers)
	if err != nil {
		return fail(codeError("HTTP-request-header-size", err))
	}

	t := h.http.timeouts
	if o == nil {
		o = &requestOptions{}
	}
	connect, firstByte, between := timeout(o.connect, t.Connect), timeout(o.firstByte, t.FirstByte), timeout(o.betweenBytes, t.BetweenBytes)
	ctx, cancel := context.WithCancelCause(context.WithValue(context.Background(), connectTimeoutKey{}, connect))
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), nil)
	if err != nil {
		cancel(err)
		return fail(codeError("HTTP-request-method-invalid", err))
	}
	req.Header = r.headers.header()
	req.Header.Del("Content-Length")
	req.Host = authority
	if r.body != nil {
		if b, ok := r.body.p.complete(); ok {
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		} else {
			req.Body, req.ContentLength = &requestBody{p: r.body.p, req: req}, limit
			if limit < 0 {
				req.Trailer = http.Header{}
			}
			r.body.p.attach()
		}
		if req.ContentLength == 0 {
			req.Body = http.NoBody
		}
	} else if limit > 0 {
		cancel(nil)
		return fail(codeError("HTTP-request-body-size", fmt.Errorf("Content-Length %d without a body", limit)))
	}

	f := &futureResponse{cancel: cancel}
	mapErr := func(err error) *httpError { return mapHTTPError(ctx, err) }
	go func() {
		timer := time.AfterFunc(firstByte, func() { cancel(errFirstByte) })
		resp, err := h.http.transport.RoundTrip(req)
		timer.Stop()
		if err != nil {
			if r.body != nil {
				r.body.p.closeRead(mapErr(err))
			}
			f.complete(nil, mapErr(err))
			return
		}
		br := &bodyReader{
			body: resp.Body, mapErr: mapErr,
			trailer: func() http.Header { return resp.Trailer },
			between: between, onSlow: func() { cancel(errBetweenBytes) },
		}
		f.complete(&incomingResponse{status: resp.StatusCode, headers: fieldsFrom(resp.Header), body: newIncomingBody(br)}, nil)
	}()
	return f, nil
}

// mapHTTPError returns the error-code of a failed request (ctx is the
// request's).
func mapHTTPError(ctx context.Context, err error) *httpError {
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errFirstByte):
		return codeError("HTTP-response-timeout", cause)
	case errors.Is(cause, errBetweenBytes):
		return codeError("connection-read-timeout", cause)
	case errors.Is(cause, errRequestEnded):
		return codeError("connection-terminated", cause)
	}
	var dns *net.DNSError
	var alert tls.AlertError
	var cert *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	var nerr net.Error
	switch {
	case errors.As(err, &dns):
		if dns.IsTimeout {
			return codeError("DNS-timeout", err)
		}
		if dns.IsNotFound {
			return codeError("destination-not-found", err)
		}
		return &httpError{code: component.Variant{Case: "DNS-error", Value: component.Record{
			{Name: "rcode", Value: component.Some(component.String(dns.Err))},
			{Name: "info-code", Value: component.None},
		}}, err: err}
	case errnoNetCode(err) == "connection-refused":
		return codeError("connection-refused", err)
	case errnoNetCode(err) == "connection-reset", errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return codeError("connection-terminated", err)
	case errnoNetCode(err) == "remote-unreachable":
		return codeError("destination-unavailable", err)
	case errors.As(err, &cert), errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid):
		return codeError("TLS-certificate-error", err)
	case errors.As(err, &alert):
		return &httpError{code: component.Variant{Case: "TLS-alert-received", Value: component.Record{
			{Name: "alert-id", Value: component.Some(component.U8(alert))},
			{Name: "alert-message", Value: component.Some(component.String(alert.Error()))},
		}}, err: err}
	case errors.As(err, &record):
		return codeError("TLS-protocol-error", err)
	case errors.As(err, &nerr) && nerr.Timeout():
		return codeError("connection-timeout", err)
	}
	return &httpError{code: internalError(err.Error()).code, err: err}
}

func (h *host) httpOutgoingHandler() *iface {
	in := h.newIface("wasi:http/outgoing-handler", kindOutgoingRequest, kindRequestOptions, kindFutureIncomingResponse)
	in.funcs["handle"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		r, err := takeResource[*outgoingRequest](h, args, 0, kindOutgoingRequest)
		if err != nil {
			return nil, err
		}
		ov, err := optionArg(args, 1)
		if err != nil {
			return nil, err
		}
		var o *requestOptions
		if ov != nil {
			if o, err = takeResource[*requestOptions](h, ov, 0, kindRequestOptions); err != nil {
				return nil, fmt.Errorf("argument 1: %w", err)
			}
		}
		f, herr := h.send(r, o)
		if herr != nil {
			return component.Err(herr.code), nil
		}
		v, err := h.newResource(kindFutureIncomingResponse, f)
		if err != nil {
			f.release()
			return nil, err
		}
		return component.Ok(v), nil
	}
	return in
}
