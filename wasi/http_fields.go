package wasi

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/plugwit/plugwit/component"
)

// wasi:http/types: fields (headers and trailers), methods, schemes and
// error codes.

// field is one name-value pair of a fields.
type field struct {
	name  string // as given: names compare without regard to case
	value []byte
}

// fields is the object behind a fields handle (headers and trailers). The
// guest's own (constructor, from-list, clone) are mutable; those the host
// hands out (a request's or a response's headers, trailers) are not, and
// share their entries, which nobody changes any more.
type fields struct {
	entries   []field
	immutable bool
}

// forbiddenHeaders are the fields a guest may not set: hop-by-hop fields
// (RFC 9110, section 7.6.1), which belong to one connection and which the
// host's HTTP stack manages, and Host, which is the request's authority.
// The host also leaves them out of the fields it gives the guest and never
// sends them from the guest's fields.
var forbiddenHeaders = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-connection": true, "te": true,
	"transfer-encoding": true, "upgrade": true, "host": true, "http2-settings": true,
}

func forbiddenHeader(name string) bool { return forbiddenHeaders[strings.ToLower(name)] }

// validFieldName reports whether name is a token (RFC 9110, section 5.1).
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// validFieldValue reports whether v may be sent as a field value: no
// control character but horizontal tab (so no CR, LF or NUL); bytes above
// 0x7f (obs-text) are allowed.
func validFieldValue(v []byte) bool {
	for _, c := range v {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func headerError(c string) component.Value { return component.Err(component.Variant{Case: c}) }

// check returns the header-error of setting name to values, or "".
func (f *fields) check(name string, values ...[]byte) string {
	if f.immutable {
		return "immutable"
	}
	if !validFieldName(name) {
		return "invalid-syntax"
	}
	for _, v := range values {
		if !validFieldValue(v) {
			return "invalid-syntax"
		}
	}
	if forbiddenHeader(name) {
		return "forbidden"
	}
	return ""
}

func (f *fields) get(name string) []field {
	var out []field
	for _, e := range f.entries {
		if strings.EqualFold(e.name, name) {
			out = append(out, e)
		}
	}
	return out
}

func (f *fields) del(name string) {
	out := f.entries[:0:0]
	for _, e := range f.entries {
		if !strings.EqualFold(e.name, name) {
			out = append(out, e)
		}
	}
	f.entries = out
}

// header returns the fields as an http.Header, without the forbidden ones.
func (f *fields) header() http.Header {
	hd := make(http.Header, len(f.entries))
	for _, e := range f.entries {
		if !forbiddenHeader(e.name) {
			hd.Add(e.name, string(e.value))
		}
	}
	return hd
}

// fieldsFrom returns immutable fields holding hd, without the forbidden
// fields.
func fieldsFrom(hd http.Header) *fields {
	f := &fields{immutable: true}
	for _, name := range slices.Sorted(maps.Keys(hd)) {
		if forbiddenHeader(name) {
			continue
		}
		for _, v := range hd[name] {
			f.entries = append(f.entries, field{name: strings.ToLower(name), value: []byte(v)})
		}
	}
	return f
}

// view returns an immutable fields sharing f's entries.
func (f *fields) view() *fields { return &fields{entries: f.entries, immutable: true} }

func (h *host) defineFields(in *iface) {
	f := in.funcs
	f["[constructor]fields"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		return h.newResource(kindFields, &fields{})
	}
	f["[static]fields.from-list"] = func(ctx context.Context, args []component.Value) (component.Value, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("expected 1 argument, got %d", len(args))
		}
		list, ok := args[0].(component.List)
		if !ok {
			return nil, fmt.Errorf("argument 0: expected a list of fields, got %T", args[0])
		}
		nf := &fields{}
		for i, v := range list {
			name, value, err := fieldArg(v)
			if err != nil {
				return nil, fmt.Errorf("argument 0: element %d: %w", i, err)
			}
			if c := nf.check(name, value); c != "" {
				return headerError(c), nil
			}
			nf.entries = append(nf.entries, field{name, value})
		}
		r, err := h.newResource(kindFields, nf)
		if err != nil {
			return nil, err
		}
		return component.Ok(r), nil
	}
	method := func(name string, fn func(fs *fields, args []component.Value) (component.Value, error)) {
		f["[method]fields."+name] = func(ctx context.Context, args []component.Value) (component.Value, error) {
			fs, err := resourceArg[*fields](h, args, 0, kindFields)
			if err != nil {
				return nil, err
			}
			return fn(fs, args)
		}
	}
	method("get", func(fs *fields, args []component.Value) (component.Value, error) {
		name, err := stringArg(args, 1)
		if err != nil {
			return nil, err
		}
		out := component.List{}
		for _, e := range fs.get(name) {
			out = append(out, bytesValue(e.value))
		}
		return out, nil
	})
	method("has", func(fs *fields, args []component.Value) (component.Value, error) {
		name, err := stringArg(args, 1)
		if err != nil {
			return nil, err
		}
		return component.Bool(len(fs.get(name)) > 0), nil
	})
	method("set", func(fs *fields, args []component.Value) (component.Value, error) {
		name, err := stringArg(args, 1)
		if err != nil {
			return nil, err
		}
		if len(args) < 3 {
			return nil, fmt.Errorf("missing argument 2")
		}
		list, ok := args[2].(component.List)
		if !ok {
			return nil, fmt.Errorf("argument 2: expected a list of field values, got %T", args[2])
		}
		values := make([][]byte, len(list))
		for i := range list {
			if values[i], err = bytesArg(list, i); err != nil {
				return nil, fmt.Errorf("argument 2: %w", err)
			}
		}
		if c := fs.check(name, values...); c != "" {
			return headerError(c), nil
		}
		fs.del(name)
		for _, v := range values {
			fs.entries = append(fs.entries, field{name, v})
		}
		return component.Ok(nil), nil
	})
	method("delete", func(fs *fields, args []component.Value) (component.Value, error) {
		name, err := stringArg(args, 1)
		if err != nil {
			return nil, err
		}
		if c := fs.check(name); c != "" {
			return headerError(c), nil
		}
		fs.del(name)
		return component.Ok(nil), nil
	})
	method("append", func(fs *fields, args []component.Value) (component.Value, error) {
		name, err := stringArg(args, 1)
		if err != nil {
			return nil, err
		}
		value, err := bytesArg(args, 2)
		if err != nil {
			return nil, err
		}
		if c := fs.check(name, value); c != "" {
			return headerError(c), nil
		}
		fs.entries = append(fs.entries, field{name, value})
		return component.Ok(nil), nil
	})
	method("entries", func(fs *fields, args []component.Value) (component.Value, error) {
		out := make(component.List, len(fs.entries))
		for i, e := range fs.entries {
			out[i] = component.Tuple{component.String(e.name), bytesValue(e.value)}
		}
		return out, nil
	})
	method("clone", func(fs *fields, args []component.Value) (component.Value, error) {
		return h.newResource(kindFields, &fields{entries: append([]field(nil), fs.entries...)})
	})
}

// fieldArg returns the name and value of a tuple<field-name, field-value>.
func fieldArg(v component.Value) (string, []byte, error) {
	t, ok := v.(component.Tuple)
	if !ok || len(t) != 2 {
		return "", nil, fmt.Errorf("expected a tuple<string, list<u8>>, got %T", v)
	}
	name, err := stringArg(t, 0)
	if err != nil {
		return "", nil, err
	}
	value, err := bytesArg(t, 1)
	if err != nil {
		return "", nil, err
	}
	return name, value, nil
}

// ---- method, scheme ----

var methodCases = map[string]string{
	"GET": "get", "HEAD": "head", "POST": "post", "PUT": "put", "DELETE": "delete",
	"CONNECT": "connect", "OPTIONS": "options", "TRACE": "trace", "PATCH": "patch",
}

func methodValue(m string) component.Value {
	if c, ok := methodCases[m]; ok {
		return component.Variant{Case: c}
	}
	return component.Variant{Case: "other", Value: component.String(m)}
}

// methodArg returns the method args[i] names; ok is false for an `other`
// that is not a token.
func methodArg(args []component.Value, i int) (m string, ok bool, err error) {
	if i >= len(args) {
		return "", false, fmt.Errorf("missing argument %d", i)
	}
	v, isVariant := args[i].(component.Variant)
	if !isVariant {
		return "", false, fmt.Errorf("argument %d: expected a method, got %T", i, args[i])
	}
	if v.Case == "other" {
		s, isString := v.Value.(component.String)
		if !isString {
			return "", false, fmt.Errorf("argument %d: method other(%T)", i, v.Value)
		}
		return string(s), validFieldName(string(s)), nil
	}
	for m, c := range methodCases {
		if c == v.Case {
			return m, true, nil
		}
	}
	return "", false, fmt.Errorf("argument %d: unknown method %q", i, v.Case)
}

// scheme values: "HTTP", "HTTPS", or another scheme as the guest wrote it.
func schemeValue(s string) component.Value {
	switch strings.ToLower(s) {
	case "http":
		return component.Variant{Case: "HTTP"}
	case "https":
		return component.Variant{Case: "HTTPS"}
	}
	return component.Variant{Case: "other", Value: component.String(s)}
}

func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alpha && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// schemeOf returns the scheme of a `scheme` variant, lower case for HTTP
// and HTTPS.
func schemeOf(v component.Value) (string, error) {
	vr, ok := v.(component.Variant)
	if !ok {
		return "", fmt.Errorf("expected a scheme, got %T", v)
	}
	switch vr.Case {
	case "HTTP":
		return "http", nil
	case "HTTPS":
		return "https", nil
	case "other":
		s, ok := vr.Value.(component.String)
		if !ok {
			return "", fmt.Errorf("scheme other(%T)", vr.Value)
		}
		return string(s), nil
	}
	return "", fmt.Errorf("unknown scheme %q", vr.Case)
}

// ---- error-code ----

// httpError is an HTTP failure: its wasi:http/types.error-code and the Go
// error behind it, if any. As the error of a stream, http-error-code
// returns its code.
type httpError struct {
	code component.Variant
	err  error
}

func (e *httpError) Error() string {
	s := e.code.Case
	if e.code.Value != nil && e.code.Case == "internal-error" {
		if o, ok := e.code.Value.(component.Option); ok && o.Value != nil {
			s += " (" + string(o.Value.(component.String)) + ")"
		}
	}
	if e.err != nil {
		return s + ": " + e.err.Error()
	}
	return s
}

func (e *httpError) Unwrap() error { return e.err }

func codeError(c string, err error) *httpError {
	return &httpError{code: component.Variant{Case: c}, err: err}
}

func internalError(msg string) *httpError {
	return &httpError{code: component.Variant{Case: "internal-error", Value: component.Some(component.String(msg))}}
}

// sizeError is an error-code whose payload is option<u64> or option<u32>.
func sizeError(c string, n component.Value) *httpError {
	return &httpError{code: component.Variant{Case: c, Value: component.Some(n)}}
}
