package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plugwit/plugwit/wit"
)

// lockedBuffer is a stderr that the test reads while the command writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServe(t *testing.T) {
	var stdout, stderr lockedBuffer
	stop := make(chan struct{})
	c := &cli{stdout: &stdout, stderr: &stderr, stop: stop, pushPath: (*wit.Resolve).PushPath}
	done := make(chan int, 1)
	go func() { done <- c.main([]string{"serve", "--addr", "127.0.0.1:0", wasiDir + "proxy.wasm"}) }()

	listening := regexp.MustCompile(`listening on (http://\S+)`)
	var url string
	for deadline := time.Now().Add(30 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before listening; stderr:\n%s", code, stderr.String())
		default:
		}
	}
	if url == "" {
		t.Fatalf("serve did not print its address; stderr:\n%s", stderr.String())
	}

	res, err := http.Post(url+"/hello", "text/plain", strings.NewReader("over loopback"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "POST /hello\nover loopback" || res.Header.Get("X-Plugwit") != "proxy" {
		t.Errorf("response %d %q (headers %v)", res.StatusCode, body, res.Header)
	}
	res, err = http.Get(url + "/x/t")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 500 {
		t.Errorf("a trapping component: status %d, want 500", res.StatusCode)
	}

	close(stop)
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit code %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stderr.String(), "trap") {
		t.Errorf("the trap is not in stderr:\n%s", stderr.String())
	}
}

func TestServeErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve"}, exitUsage, "expected one FILE, got 0"},
		{[]string{"serve", "--allow-http", "", "x.wasm"}, exitUsage, "empty host"},
		{[]string{"serve", wasiDir + "cat.wasm"}, exitFail, "does not export wasi:http/incoming-handler"},
		{[]string{"serve", "--allow-http", "bad/", wasiDir + "proxy.wasm"}, exitFail, `HTTP allow pattern "bad/"`},
		{[]string{"serve", "--addr", "256.0.0.1:1", wasiDir + "proxy.wasm"}, exitFail, "listen tcp"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if code, stdout, _ := runCLI(t, "help", "serve"); code != exitOK || !strings.Contains(stdout, "usage: plugwit serve") {
		t.Errorf("help serve: %d %q", code, stdout)
	}
}

func TestRunAllowHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "fetched %s", r.URL.Path)
	}))
	defer srv.Close()
	authority := strings.TrimPrefix(srv.URL, "http://")
	code, stdout, stderr := runCLI(t, "run", "--allow-http", authority, wasiDir+"fetch.wasm", "--", authority, "/page")
	if code != exitOK || stdout != "fetched /page" {
		t.Errorf("run with --allow-http: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "run", "--allow-http", "example.com", wasiDir+"fetch.wasm",
		"--invoke", fmt.Sprintf("get(%q, \"/\", 0)", authority))
	if code != exitOK || stdout != "err(15)\n" {
		t.Errorf("run without a grant: exit %d, stdout %q, want err(15) (HTTP-request-denied)", code, stdout)
	}
}
