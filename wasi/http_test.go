package wasi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plugwit/plugwit/component"
	"github.com/plugwit/plugwit/wasi"
)

// echoServer answers every request with its method, path and body.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Echo", "yes")
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fetchResult is the result of fetch.wasm's get and post.
func fetchResult(t *testing.T, v component.Value) (status int, body string, code int) {
	t.Helper()
	r, ok := v.(component.Result)
	if !ok {
		t.Fatalf("got %#v, want a result", v)
	}
	if r.IsErr {
		return 0, "", int(r.Value.(component.U32))
	}
	tu := r.Value.(component.Tuple)
	b, _ := tu[1].(component.Bytes)
	return int(tu[0].(component.U16)), string(b), -1
}

func TestFetchAllowed(t *testing.T) {
	srv := echoServer(t)
	authority := strings.TrimPrefix(srv.URL, "http://")
	inst, done := instantiate(t, "fetch.wasm", wasi.NewConfig().WithAllowHTTP(authority))
	defer done()
	ctx := context.Background()
	v, err := inst.Func("get").Call(ctx, component.String(authority), component.String("/hello?x=1"), component.U64(0))
	if err != nil {
		t.Fatal(err)
	}
	status, body, code := fetchResult(t, v)
	if status != 200 || body != "GET /hello?x=1 " || code != -1 {
		t.Errorf("get = %d %q (code %d), want 200 %q", status, body, code, "GET /hello?x=1 ")
	}
	for _, early := range []bool{false, true} {
		v, err = inst.Func("post").Call(ctx, component.String(authority), component.String("/p"), component.Bytes("a body"), component.Bool(early))
		if err != nil {
			t.Fatal(err)
		}
		if status, body, _ := fetchResult(t, v); status != 200 || body != "POST /p a body" {
			t.Errorf("post (early %v) = %d %q", early, status, body)
		}
	}
}

// proxyHandler serves with proxy.wasm.
func proxyHandler(t *testing.T, cfg wasi.Config) (*wasi.HTTPHandler, *syncWriter) {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join("testdata", "proxy.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := component.NewRuntime(ctx, component.NewRuntimeConfig())
	t.Cleanup(func() { rt.Close(ctx) })
	c, err := rt.Compile(ctx, wasm, component.WithName("proxy.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	l := component.NewLinker(rt)
	defs, err := wasi.Define(l, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pre, err := l.InstantiatePre(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	h, err := defs.NewHTTPHandler(pre, cfg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncWriter{}
	h.ErrorLog = log.New(logs, "", 0)
	return h, logs
}

// syncWriter is a log that handlers may write while a test reads it.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncWriter) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

// waitFor waits up to 5 s for the log to contain want (a handler logs
// after the client has seen the response end).
func (s *syncWriter) waitFor(want string) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if strings.Contains(s.String(), want) {
			return true
		}
	}
	return false
}

func TestServeRecorder(t *testing.T) {
	h, logs := proxyHandler(t, wasi.NewConfig())
	req := httptest.NewRequest("POST", "/echo?q=1", strings.NewReader("request body"))
	req.Header.Set("X-Echo", "echoed")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	res := w.Result()
	if res.StatusCode != 200 {
		t.Fatalf("status %d, logs:\n%s", res.StatusCode, logs)
	}
	if got, want := w.Body.String(), "POST /echo?q=1\nrequest body"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	for k, want := range map[string]string{"Content-Type": "text/plain", "X-Plugwit": "proxy", "X-Echo-Back": "echoed", "X-Immutable": "3"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
}

func TestServeListener(t *testing.T) {
	h, logs := proxyHandler(t, wasi.NewConfig())
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Many requests at once, each in its own instance, with a body of
	// several MiB streamed both ways.
	big := strings.Repeat("0123456789abcdef", 4<<20/16)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprint(i)
			if i == 0 {
				body = big
			}
			res, err := http.Post(srv.URL+fmt.Sprintf("/r/%d", i), "text/plain", strings.NewReader(body))
			if err != nil {
				t.Errorf("%v; log:\n%s", err, logs)
				return
			}
			defer res.Body.Close()
			got, err := io.ReadAll(res.Body)
			if want := fmt.Sprintf("POST /r/%d\n%s", i, body); err != nil || string(got) != want {
				t.Errorf("request %d: %d bytes, %v; want %d bytes", i, len(got), err, len(want))
			}
		}()
	}
	wg.Wait()

	// Misbehaving guests: an error status before the response, an
	// aborted connection after it.
	for _, tc := range []struct {
		path   string
		status int
		log    string
	}{
		{"/x/t", 500, "unreachable"},
		{"/x/n", 500, "without setting a response"},
		{"/x/s", 403, "HTTP-request-denied"},
		{"/x/f", 200, "output-stream is alive"},
		{"/x/d", 200, "dropped without outgoing-body.finish"},
		{"/x/u", 200, "unreachable"},
	} {
		logs.Reset()
		res, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		_, rerr := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		if tc.status == 200 && rerr == nil {
			t.Errorf("%s: the response body ended cleanly, want an aborted connection", tc.path)
		}
		if !logs.waitFor(tc.log) {
			t.Errorf("%s: log %q, want %q", tc.path, logs.String(), tc.log)
		}
	}
}

// A proxy served on loopback fetches from another server with fetch.wasm
// … and fetch.wasm fetches from the proxy.
func TestFetchFromServedComponent(t *testing.T) {
	h, _ := proxyHandler(t, wasi.NewConfig())
	srv := httptest.NewServer(h)
	defer srv.Close()
	authority := strings.TrimPrefix(srv.URL, "http://")
	var out strings.Builder
	inst, done := instantiate(t, "fetch.wasm", wasi.NewConfig().WithAllowHTTP("127.0.0.1").WithStdout(&out).
		WithArgs("fetch", authority, "/from/run"))
	defer done()
	res, err := inst.Func("wasi:cli/run@0.2.0#run").Call(context.Background())
	if err != nil || res != component.Ok(nil) {
		t.Fatalf("run = %v, %v", res, err)
	}
	if got := out.String(); got != "GET /from/run\n" {
		t.Errorf("stdout = %q", got)
	}
	v, err := inst.Func("get").Call(context.Background(), component.String(authority), component.String("/x/s"), component.U64(0))
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := fetchResult(t, v); status != 403 {
		t.Errorf("status %d, want 403", status)
	}
}

func TestFetchDenied(t *testing.T) {
	srv := echoServer(t)
	authority := strings.TrimPrefix(srv.URL, "http://")
	inst, done := instantiate(t, "fetch.wasm", wasi.NewConfig().WithAllowHTTP("example.com"))
	defer done()
	v, err := inst.Func("get").Call(context.Background(), component.String(authority), component.String("/"), component.U64(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, code := fetchResult(t, v); code != 15 { // HTTP-request-denied
		t.Errorf("error-code index %d, want 15 (HTTP-request-denied)", code)
	}
}

func TestFetchCancel(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	authority := strings.TrimPrefix(srv.URL, "http://")
	inst, done := instantiate(t, "fetch.wasm", wasi.NewConfig().WithAllowHTTP(authority))
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := inst.Func("get").Call(ctx, component.String(authority), component.String("/"), component.U64(0))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want one wrapping context.DeadlineExceeded", err)
	}
	// The guest's own first-byte timeout (request-options) is an error-code.
	inst2, done2 := instantiate(t, "fetch.wasm", wasi.NewConfig().WithAllowHTTP(authority))
	defer done2()
	v, err := inst2.Func("get").Call(context.Background(), component.String(authority), component.String("/"), component.U64(uint64(30*time.Millisecond)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, code := fetchResult(t, v); code != 33 { // HTTP-response-timeout
		t.Errorf("error-code index %d, want 33 (HTTP-response-timeout)", code)
	}
}

// BenchmarkHTTPHandler measures a request served by proxy.wasm: a new
// instance and WASI context, the call, a small response.
func BenchmarkHTTPHandler(b *testing.B) {
	t := &testing.T{}
	h, _ := proxyHandler(t, wasi.NewConfig())
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/bench", nil))
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// TestHTTPTypesAliases links a component whose wasi:http/types import
// names headers and trailers, the WIT's aliases of fields, as resource
// types (componentize-js components do).
func TestHTTPTypesAliases(t *testing.T) {
	inst, done := instantiate(t, "httpaliases.wasm", wasi.NewConfig())
	defer done()
	if got, err := inst.Func("new-headers").Call(context.Background()); err != nil || got != component.U32(1) {
		t.Errorf("new-headers = %v, %v; want 1", got, err)
	}
}
