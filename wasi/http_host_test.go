package wasi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plugwit/plugwit/component"
)

// The wasi:http host functions called directly, as a guest would.

const ht = "wasi:http/types#"

func (th *testHost) newFields(kv ...string) component.Resource {
	th.t.Helper()
	f := th.call(ht + "[constructor]fields").(component.Resource)
	for i := 0; i < len(kv); i += 2 {
		if r := th.call(ht+"[method]fields.append", f, component.String(kv[i]), u8s(kv[i+1])); r != component.Ok(nil) {
			th.t.Fatalf("append %s: %v", kv[i], r)
		}
	}
	return f
}

func headerErr(c string) component.Value { return component.Err(component.Variant{Case: c}) }

func TestHTTPFieldsRules(t *testing.T) {
	th := newTestHost(t, NewConfig())
	f := th.newFields("Content-Type", "text/plain", "X-A", "1")
	for _, tc := range []struct {
		name, value string
		want        component.Value
	}{
		{"x-a", "2", component.Ok(nil)},
		{"Connection", "close", headerErr("forbidden")},
		{"transfer-encoding", "chunked", headerErr("forbidden")},
		{"HOST", "evil", headerErr("forbidden")},
		{"bad name", "x", headerErr("invalid-syntax")},
		{"", "x", headerErr("invalid-syntax")},
		{"x-b", "line\r\nInjected: yes", headerErr("invalid-syntax")},
		{"x-b", "nul\x00", headerErr("invalid-syntax")},
		{"x-b", "tab\tand obs-text \xff", component.Ok(nil)},
	} {
		if got := th.call(ht+"[method]fields.append", f, component.String(tc.name), u8s(tc.value)); got != tc.want {
			t.Errorf("append(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
	// Names compare without regard to case; get keeps order and casing.
	if got := fmt.Sprint(th.call(ht+"[method]fields.get", f, component.String("X-a"))); got != "[[49] [50]]" {
		t.Errorf("get x-a = %s", got)
	}
	if th.call(ht+"[method]fields.has", f, component.String("content-TYPE")) != component.Bool(true) {
		t.Error("has content-TYPE = false")
	}
	if r := th.call(ht+"[method]fields.set", f, component.String("x-a"), component.List{u8s("3")}); r != component.Ok(nil) {
		t.Errorf("set = %v", r)
	}
	if r := th.call(ht+"[method]fields.delete", f, component.String("content-type")); r != component.Ok(nil) {
		t.Errorf("delete = %v", r)
	}
	if r := th.call(ht+"[method]fields.set", f, component.String("x-c"), component.List{u8s("ok"), u8s("bad\n")}); r != headerErr("invalid-syntax") {
		t.Errorf("set with a bad value = %v", r)
	}
	if got, want := fmt.Sprint(th.call(ht+"[method]fields.entries", f)), fmt.Sprint(component.List{
		component.Tuple{component.String("x-b"), u8s("tab\tand obs-text \xff")},
		component.Tuple{component.String("x-a"), u8s("3")},
	}); got != want {
		t.Errorf("entries = %s, want %s", got, want)
	}
	// from-list checks every entry.
	fl := func(kv ...string) component.Value {
		var l component.List
		for i := 0; i < len(kv); i += 2 {
			l = append(l, component.Tuple{component.String(kv[i]), u8s(kv[i+1])})
		}
		return th.call(ht+"[static]fields.from-list", l)
	}
	if r := fl("a", "1", "upgrade", "h2c"); r != headerErr("forbidden") {
		t.Errorf("from-list with upgrade = %v", r)
	}
	if r := fl("a", "1", "b:", "2"); r != headerErr("invalid-syntax") {
		t.Errorf("from-list with b: = %v", r)
	}
	if r, ok := fl("a", "1").(component.Result); !ok || r.IsErr {
		t.Errorf("from-list = %v", r)
	}

	// A request's headers are immutable; their clone is not.
	req := th.call(ht+"[constructor]outgoing-request", f).(component.Resource)
	th.mustTrap("unknown fields handle", ht+"[method]fields.entries", f) // f moved into the request
	rh := th.call(ht+"[method]outgoing-request.headers", req)
	for _, call := range []component.Value{
		th.call(ht+"[method]fields.append", rh, component.String("x"), u8s("1")),
		th.call(ht+"[method]fields.set", rh, component.String("x"), component.List{}),
		th.call(ht+"[method]fields.delete", rh, component.String("x-a")),
	} {
		if call != headerErr("immutable") {
			t.Errorf("changing a request's headers: %v, want immutable", call)
		}
	}
	c := th.call(ht+"[method]fields.clone", rh)
	if r := th.call(ht+"[method]fields.append", c, component.String("x"), u8s("1")); r != component.Ok(nil) {
		t.Errorf("append to a clone = %v", r)
	}
	if got := len(th.call(ht+"[method]fields.entries", rh).(component.List)); got != 2 {
		t.Errorf("the request's headers changed with their clone: %d entries", got)
	}
}

func TestHTTPOutgoingRequestSetters(t *testing.T) {
	th := newTestHost(t, NewConfig())
	req := th.call(ht+"[constructor]outgoing-request", th.newFields()).(component.Resource)
	call := func(m string, v component.Value) component.Value {
		return th.call(ht+"[method]outgoing-request."+m, req, v)
	}
	some := func(s string) component.Value { return component.Some(component.String(s)) }
	for _, tc := range []struct {
		method string
		arg    component.Value
		want   component.Value
	}{
		{"set-method", component.Variant{Case: "other", Value: component.String("PURGE")}, component.Ok(nil)},
		{"set-method", component.Variant{Case: "other", Value: component.String("BAD METHOD")}, component.Err(nil)},
		{"set-path-with-query", some("/a?b=c"), component.Ok(nil)},
		{"set-path-with-query", some("no-slash"), component.Err(nil)},
		{"set-path-with-query", some("/a b"), component.Err(nil)},
		{"set-authority", some("example.com:8080"), component.Ok(nil)},
		{"set-authority", some("user@example.com"), component.Err(nil)},
		{"set-authority", some("example.com:http"), component.Err(nil)},
		{"set-authority", some("[::1]:80"), component.Ok(nil)},
		{"set-scheme", component.Some(component.Variant{Case: "other", Value: component.String("1bad")}), component.Err(nil)},
		{"set-scheme", component.Some(component.Variant{Case: "HTTPS"}), component.Ok(nil)},
	} {
		if got := call(tc.method, tc.arg); got != tc.want {
			t.Errorf("%s(%v) = %v, want %v", tc.method, tc.arg, got, tc.want)
		}
	}
	if got := th.call(ht+"[method]outgoing-request.method", req); got != (component.Variant{Case: "other", Value: component.String("PURGE")}) {
		t.Errorf("method = %v", got)
	}
	if got := th.call(ht+"[method]outgoing-request.authority", req); got != some("[::1]:80") {
		t.Errorf("authority = %v", got)
	}
	// The body can be taken once.
	if r := th.call(ht+"[method]outgoing-request.body", req).(component.Result); r.IsErr {
		t.Errorf("body = %v", r)
	}
	if r := th.call(ht+"[method]outgoing-request.body", req); r != component.Err(nil) {
		t.Errorf("second body = %v, want err", r)
	}
}

// send sends a request to url (GET, or POST of body) and waits for the
// future's result.
func (th *testHost) send(ctx context.Context, url string, body string, headers ...string) (component.Value, component.Resource, error) {
	th.t.Helper()
	scheme, rest, _ := strings.Cut(url, "://")
	authority, path, _ := strings.Cut(rest, "/")
	req := th.call(ht+"[constructor]outgoing-request", th.newFields(headers...)).(component.Resource)
	th.call(ht+"[method]outgoing-request.set-scheme", req, component.Some(schemeValue(scheme)))
	th.call(ht+"[method]outgoing-request.set-authority", req, component.Some(component.String(authority)))
	th.call(ht+"[method]outgoing-request.set-path-with-query", req, component.Some(component.String("/"+path)))
	var ob component.Value
	if body != "" {
		th.call(ht+"[method]outgoing-request.set-method", req, component.Variant{Case: "post"})
		ob = th.call(ht+"[method]outgoing-request.body", req).(component.Result).Value
	}
	r := th.call("wasi:http/outgoing-handler#handle", req, component.None).(component.Result)
	if r.IsErr {
		return r, component.Resource{}, nil
	}
	fut := r.Value.(component.Resource)
	if body != "" {
		os := th.call(ht+"[method]outgoing-body.write", ob).(component.Result).Value
		th.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", os, u8s(body))
		os.(component.Resource).Drop(ctx)
		if r := th.call(ht+"[static]outgoing-body.finish", ob, component.None); r != component.Ok(nil) {
			th.t.Fatalf("finish = %v", r)
		}
	}
	p := th.call(ht+"[method]future-incoming-response.subscribe", fut)
	if _, err := th.callErr(ctx, "wasi:io/poll#[method]pollable.block", p); err != nil {
		return nil, fut, err
	}
	return th.call(ht+"[method]future-incoming-response.get", fut), fut, nil
}

// readBody reads an incoming-response's body to its end.
func (th *testHost) readBody(resp component.Value) (string, component.Resource) {
	th.t.Helper()
	ib := th.call(ht+"[method]incoming-response.consume", resp).(component.Result).Value.(component.Resource)
	in := th.call(ht+"[method]incoming-body.stream", ib).(component.Result).Value.(component.Resource)
	var sb strings.Builder
	for {
		r := th.call("wasi:io/streams#[method]input-stream.blocking-read", in, component.U64(1<<16)).(component.Result)
		if r.IsErr {
			break
		}
		sb.Write(r.Value.(component.Bytes))
	}
	in.Drop(context.Background())
	return sb.String(), ib
}

func responseOf(t *testing.T, v component.Value) component.Resource {
	t.Helper()
	o, ok := v.(component.Option)
	if !ok || o.Value == nil {
		t.Fatalf("future get = %v, want some", v)
	}
	outer := o.Value.(component.Result)
	inner := outer.Value.(component.Result)
	if outer.IsErr || inner.IsErr {
		t.Fatalf("future get = %v, want some(ok(ok(response)))", v)
	}
	return inner.Value.(component.Resource)
}

func TestHTTPBadGuest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		io.Copy(w, r.Body)
		w.Header().Set("X-Sum", "42")
	}))
	defer srv.Close()
	th := newTestHost(t, NewConfig().WithAllowHTTP(strings.TrimPrefix(srv.URL, "http://")))
	ctx := context.Background()

	v, fut, err := th.send(ctx, srv.URL+"/", "hello")
	if err != nil {
		t.Fatal(err)
	}
	resp := responseOf(t, v)
	// The result is given once.
	if again := th.call(ht+"[method]future-incoming-response.get", fut); again != component.Some(component.Err(nil)) {
		t.Errorf("second get = %v, want some(err)", again)
	}
	if st := th.call(ht+"[method]incoming-response.status", resp); st != component.U16(200) {
		t.Errorf("status %v", st)
	}
	ib := th.call(ht+"[method]incoming-response.consume", resp).(component.Result).Value.(component.Resource)
	if again := th.call(ht+"[method]incoming-response.consume", resp); again != component.Err(nil) {
		t.Errorf("second consume = %v, want err", again)
	}
	in := th.call(ht+"[method]incoming-body.stream", ib).(component.Result).Value.(component.Resource)
	if again := th.call(ht+"[method]incoming-body.stream", ib); again != component.Err(nil) {
		t.Errorf("second stream = %v, want err", again)
	}
	// finish with the stream alive traps; so does dropping the body.
	th.mustTrap("input-stream is alive", ht+"[static]incoming-body.finish", ib)
	v, _, err = th.send(ctx, srv.URL+"/", "again")
	if err != nil {
		t.Fatal(err)
	}
	resp2 := responseOf(t, v)
	ib2 := th.call(ht+"[method]incoming-response.consume", resp2).(component.Result).Value.(component.Resource)
	th.call(ht+"[method]incoming-body.stream", ib2)
	if err := ib2.Drop(ctx); err == nil || !strings.Contains(err.Error(), "input-stream is alive") {
		t.Errorf("dropping a body before its stream: %v", err)
	}
	in.Drop(ctx)

	// Read the body to its end; the trailers come after.
	v, _, err = th.send(ctx, srv.URL+"/", "with trailers")
	if err != nil {
		t.Fatal(err)
	}
	body, ib3 := th.readBody(responseOf(t, v))
	if body != "with trailers" {
		t.Errorf("body %q", body)
	}
	ft := th.call(ht+"[static]incoming-body.finish", ib3)
	p := th.call(ht+"[method]future-trailers.subscribe", ft)
	th.call("wasi:io/poll#[method]pollable.block", p)
	tr := th.call(ht+"[method]future-trailers.get", ft).(component.Option).Value.(component.Result).Value.(component.Result)
	trailers := tr.Value.(component.Option).Value
	if got := fmt.Sprint(th.call(ht+"[method]fields.entries", trailers)); got != "[[x-sum [52 50]]]" {
		t.Errorf("trailers = %s", got)
	}
	if again := th.call(ht+"[method]future-trailers.get", ft); again != component.Some(component.Err(nil)) {
		t.Errorf("second trailers get = %v", again)
	}

	// An outgoing body: the stream must go first; Content-Length must
	// match what was written.
	req := th.call(ht+"[constructor]outgoing-request", th.newFields("content-length", "10")).(component.Resource)
	ob := th.call(ht+"[method]outgoing-request.body", req).(component.Result).Value
	os := th.call(ht+"[method]outgoing-body.write", ob).(component.Result).Value
	if again := th.call(ht+"[method]outgoing-body.write", ob); again != component.Err(nil) {
		t.Errorf("second write = %v", again)
	}
	th.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", os, u8s("short"))
	th.mustTrap("output-stream is alive", ht+"[static]outgoing-body.finish", ob, component.None)
	ob = th.call(ht+"[method]outgoing-response.body",
		th.call(ht+"[constructor]outgoing-response", th.newFields("content-length", "10"))).(component.Result).Value
	os = th.call(ht+"[method]outgoing-body.write", ob).(component.Result).Value
	th.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", os, u8s("short"))
	// Writing beyond the declared length fails the stream.
	if c, _ := streamErrCase(t, th.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", os, u8s("much too long"))); c != "last-operation-failed" {
		t.Errorf("writing past Content-Length: %s", c)
	}
	os.(component.Resource).Drop(ctx)
	if r := th.call(ht+"[static]outgoing-body.finish", ob, component.None); r != component.Err(component.Variant{Case: "HTTP-response-body-size", Value: component.Some(component.U64(5))}) {
		t.Errorf("finish short of Content-Length = %v", r)
	}
	// A consumed request is gone.
	th.call("wasi:http/outgoing-handler#handle", req, component.None)
	th.mustTrap("unknown outgoing-request handle", ht+"[method]outgoing-request.method", req)
	// Borrowed handles and wrong types trap.
	th.mustTrap("expected an owned", "wasi:http/outgoing-handler#handle",
		component.Resource{Type: th.types[kindOutgoingRequest], Rep: req.Rep}, component.None)
	th.mustTrap("expected a fields handle", ht+"[constructor]outgoing-response", req)
}

func TestHTTPDenied(t *testing.T) {
	var allowed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed.Load() {
			t.Error("a denied request reached the server")
		}
	}))
	defer srv.Close()
	authority := strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := strings.Cut(authority, ":")
	denied := component.Err(component.Variant{Case: "HTTP-request-denied"})
	for _, cfg := range []Config{
		NewConfig(),
		NewConfig().WithAllowHTTP("127.0.0.1:1"),
		NewConfig().WithAllowHTTP("https://" + authority),
		NewConfig().WithAllowHTTP("localhost", "*.0.0.1"),
	} {
		th := newTestHost(t, cfg)
		v, _, err := th.send(context.Background(), srv.URL+"/", "a body that goes nowhere")
		if err != nil || v != denied {
			t.Errorf("allow %v: %v, %v; want %v", cfg.http.allow, v, err, denied)
		}
	}
	allowed.Store(true)
	for _, allow := range []string{"*", "127.0.0.1", "127.0.0.1:*", "http://127.0.0.1:" + port} {
		th := newTestHost(t, NewConfig().WithAllowHTTP(allow))
		v, _, err := th.send(context.Background(), srv.URL+"/", "")
		if err != nil {
			t.Fatal(err)
		}
		responseOf(t, v)
	}
}

func TestHTTPAllowPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern            string
		scheme, host, port string
		want               bool
	}{
		{"example.com", "https", "example.com", "443", true},
		{"example.com", "http", "EXAMPLE.com", "8080", true},
		{"example.com", "https", "api.example.com", "443", false},
		{"*.example.com", "https", "api.example.com", "443", true},
		{"*.example.com", "https", "example.com", "443", false},
		{"*.example.com", "https", "evilexample.com", "443", false},
		{"https://example.com:443", "http", "example.com", "443", false},
		{"example.com:8080", "http", "example.com", "80", false},
		{"[::1]:8080", "http", "::1", "8080", true},
		{"[::1]", "http", "0:0:0:0:0:0:0:1", "80", true},
		{"10.0.0.1", "http", "10.0.0.1", "80", true},
		{"*", "http", "anything", "1", true},
	} {
		p, err := parseHostPattern(tc.pattern)
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		if got := p.match(tc.scheme, strings.ToLower(tc.host), tc.port); got != tc.want {
			t.Errorf("%q matches %s://%s:%s = %v, want %v", tc.pattern, tc.scheme, tc.host, tc.port, got, tc.want)
		}
	}
	for _, bad := range []string{"", "ftp://x", "example.com/path", "user@example.com", "ex*ample.com", "*.10.0.0.1",
		"example.com:0", "example.com:99999", "example.com:", "::1", "[::1", "[10.0.0.1]", "a..b"} {
		if _, err := parseHostPattern(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := newHost(NewConfig().WithAllowHTTP("ok.com", "bad/"), testTypes()); err == nil {
		t.Error("newHost accepted a bad pattern")
	}
}

func TestHTTPTimeoutsAndCancel(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.Write([]byte("first"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	th := newTestHost(t, NewConfig().WithAllowHTTP("127.0.0.1").
		WithHTTPTimeouts(HTTPTimeouts{FirstByte: 50 * time.Millisecond, BetweenBytes: 50 * time.Millisecond}))
	ctx := context.Background()

	// The host's first-byte timeout.
	v, _, err := th.send(ctx, srv.URL+"/", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := component.Some(component.Ok(component.Err(component.Variant{Case: "HTTP-response-timeout"}))); v != want {
		t.Errorf("slow server: %v, want %v", v, want)
	}
	// The between-bytes timeout fails the body's stream, with a code.
	v, _, err = th.send(ctx, srv.URL+"/slow-body", "")
	if err != nil {
		t.Fatal(err)
	}
	ib := th.call(ht+"[method]incoming-response.consume", responseOf(t, v)).(component.Result).Value
	in := th.call(ht+"[method]incoming-body.stream", ib).(component.Result).Value
	if got := okBytes(t, th.call("wasi:io/streams#[method]input-stream.blocking-read", in, component.U64(100))); got != "first" {
		t.Errorf("first read %q", got)
	}
	c, e := streamErrCase(t, th.call("wasi:io/streams#[method]input-stream.blocking-read", in, component.U64(100)))
	if c != "last-operation-failed" {
		t.Fatalf("slow body: %s", c)
	}
	if code := th.call(ht+"http-error-code", e); code != component.Some(component.Variant{Case: "connection-read-timeout"}) {
		t.Errorf("http-error-code = %v", code)
	}

	// Without timeouts, cancelling the guest's context ends its wait.
	th = newTestHost(t, NewConfig().WithAllowHTTP("127.0.0.1"))
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, fut, err := th.send(cctx, srv.URL+"/", "")
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("blocked wait: %v, want the context's error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled wait took %v", d)
	}
	// Dropping the future ends the request.
	if err := fut.Drop(ctx); err != nil {
		t.Error(err)
	}

	// A refused connection has its code.
	ln := httptest.NewServer(http.NotFoundHandler())
	addr := ln.URL
	ln.Close()
	v, _, err = th.send(ctx, addr+"/", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := component.Some(component.Ok(component.Err(component.Variant{Case: "connection-refused"}))); v != want {
		t.Errorf("closed port: %v, want %v", v, want)
	}
}

func TestHTTPRequestTrailers(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- fmt.Sprintf("%s %q %v", b, r.Trailer.Get("X-Checksum"), r.ContentLength)
	}))
	defer srv.Close()
	th := newTestHost(t, NewConfig().WithAllowHTTP("127.0.0.1"))
	ctx := context.Background()
	scheme, authority := "http", strings.TrimPrefix(srv.URL, "http://")
	req := th.call(ht+"[constructor]outgoing-request", th.newFields()).(component.Resource)
	th.call(ht+"[method]outgoing-request.set-scheme", req, component.Some(schemeValue(scheme)))
	th.call(ht+"[method]outgoing-request.set-authority", req, component.Some(component.String(authority)))
	th.call(ht+"[method]outgoing-request.set-method", req, component.Variant{Case: "put"})
	ob := th.call(ht+"[method]outgoing-request.body", req).(component.Result).Value
	fut := th.call("wasi:http/outgoing-handler#handle", req, component.None).(component.Result).Value
	os := th.call(ht+"[method]outgoing-body.write", ob).(component.Result).Value
	th.call("wasi:io/streams#[method]output-stream.blocking-write-and-flush", os, u8s("streamed"))
	os.(component.Resource).Drop(ctx)
	if r := th.call(ht+"[static]outgoing-body.finish", ob, component.Some(th.newFields("x-checksum", "abc"))); r != component.Ok(nil) {
		t.Fatalf("finish = %v", r)
	}
	th.call("wasi:io/poll#[method]pollable.block", th.call(ht+"[method]future-incoming-response.subscribe", fut))
	responseOf(t, th.call(ht+"[method]future-incoming-response.get", fut))
	if s := <-got; s != `streamed "abc" -1` {
		t.Errorf("the server got %s", s)
	}
}
