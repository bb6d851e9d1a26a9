package wasi_test

import (
	"context"
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
func proxyHandler(t *testing.T, cfg wasi.Config) (*wasi.HTTPHandler, *strings.Builder) {
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
	var logs strings.Builder
	h.ErrorLog = log.New(&syncWriter{w: &logs}, "", 0)
	return h, &logs
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
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
