package wasi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/plugwit/plugwit/component"
)

// wasi:http/types: requests, responses, bodies and futures. The resources
// are Go objects in the host's table like the others; bodies are streams
// of wasi:io/streams (http_body.go). Requests go out through
// outgoing-handler (http_client.go); requests come in through
// HTTPHandler (http_server.go).
//
// The spec makes some resources children of others (the headers of a
// request, the stream of a body) that must be dropped first. plugwit
// enforces it where it matters, for the stream of a body: finishing or
// dropping a body whose stream is alive traps. Headers handed out by the
// host are immutable views, independent of their parent, so dropping them
// late is harmless and allowed.

// incomingRequest is the object behind an incoming-request handle.
type incomingRequest struct {
	method    string
	pathQuery string
	scheme    string // "http" or "https"
	authority string
	headers   *fields
	body      *incomingBody
	consumed  bool
}

func (r *incomingRequest) release() {
	if !r.consumed {
		r.body.release()
	}
}

// outgoingRequest is the object behind an outgoing-request handle.
type outgoingRequest struct {
	method                    string
	pathQuery, scheme, author *string // none when nil
	headers                   *fields
	body                      *outgoingBody
}

// requestOptions is the object behind a request-options handle: the
// timeouts the guest asks for, in nanoseconds (nil: the host's).
type requestOptions struct {
	connect, firstByte, betweenBytes *uint64
}

// outgoingResponse is the object behind an outgoing-response handle.
type outgoingResponse struct {
	status  int
	headers *fields
	body    *outgoingBody
}

// incomingResponse is the object behind an incoming-response handle.
type incomingResponse struct {
	status   int
	headers  *fields
	body     *incomingBody
	consumed bool
}

func (r *incomingResponse) release() {
	if !r.consumed {
		r.body.release()
	}
}

// contentLength returns the Content-Length the fields declare, or -1.
func contentLength(f *fields) (int64, error) {
	vs := f.get("content-length")
	if len(vs) == 0 {
		return -1, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(vs[0].value)), 10, 64)
	if err != nil || n < 0 {
		return -1, fmt.Errorf("invalid Content-Length %q", vs[0].value)
	}
	for _, v := range vs[1:] {
		if strings.TrimSpace(string(v.value)) != strconv.FormatInt(n, 10) {
			return -1, fmt.Errorf("conflicting Content-Length values")
		}
	}
	return n, nil
}

// takeResource removes the object behind the owned handle args[i] from
// the table: the guest gave it to the host.
func takeResource[T any](h *host, args []component.Value, i int, k kind) (T, error) {
	var zero T
	if i >= len(args) {
		return zero, fmt.Errorf("missing argument %d", i)
	}
	r, ok := args[i].(component.Resource)
	if !ok || r.Type != h.types[k] {
		if _, err := resourceArg[T](h, args, i, k); err != nil {
			return zero, err
		}
		return zero, fmt.Errorf("argument %d: expected an owned %s handle", i, k)
	}
	if !r.Own {
		return zero, fmt.Errorf("argument %d: expected an owned %s handle, got a borrowed one", i, k)
	}
	obj, err := h.t.remove(k, r.Rep)
	if err != nil {
		return zero, fmt.Errorf("argument %d: %w", i, err)
	}
	v, ok := obj.(T)
	if !ok {
		return zero, fmt.Errorf("argument %d: %s handle (rep %d) holds a %T", i, k, r.Rep, obj)
	}
	return v, nil
}

// optionArg returns the payload of the option args[i] (nil for none) as a
// one-element argument list.
func optionArg(args []component.Value, i int) ([]component.Value, error) {
	if i >= len(args) {
		return nil, fmt.Errorf("missing argument %d", i)
	}
	o, ok := args[i].(component.Option)
	if !ok {
		return nil, fmt.Errorf("argument %d: expected an option, got %T", i, args[i])
	}
	if o.Value == nil {
		return nil, nil
	}
	return []component.Value{o.Value}, nil
}

func optString(s *string) component.Value {
	if s == nil {
		return component.None
	}
	return component.Some(component.String(*s))
}

// validPathQuery reports whether s may be a request's path and query.
func validPathQuery(s string) bool {
	if s == "" || s != "*" && !strings.HasPrefix(s, "/") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '#' {
			return false
		}
	}
	return true
}

// validAuthority reports whether s is a URI authority without user
// information: a host and an optional port.
func validAuthority(s string) bool {
	if s == "" || strings.ContainsAny(s, "/?#@ \t\r\n\\") {
		return false
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return false
		}
	} else if strings.HasPrefix(s, "[") || strings.Count(s, ":") > 0 {
		return false
	}
	if host == "" {
		return false
	}
	for _, c := range host {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

func (h *host) httpTypes() *iface {
	in := h.newIface("wasi:http/types", kindFields, kindIncomingRequest, kindOutgoingRequest,
		kindRequestOptions, kindResponseOutparam, kindIncomingResponse, kindIncomingBody,
		kindFutureTrailers, kindOutgoingResponse, kindOutgoingBody, kindFutureIncomingResponse,
		kindInputStream, kindOutputStream, kindPollable)
	in.resources["io-error"] = h.types[kindError]
	// `type headers = fields; type trailers = fields;`: a component whose
	// import type names the aliases (componentize-js does) imports them
	// as resource types too.
	in.resources["headers"] = h.types[kindFields]
	in.resources["trailers"] = h.types[kindFields]
	h.defineFields(in)
	f := in.funcs
	fn := func(name string, body func(ctx context.Context, args []component.Value) (component.Value, error)) {
		f[name] = body
	}

	// incoming-request
	inReq := func(m string, body func(r *incomingRequest, args []component.Value) (component.Value, error)) {
		fn("[method]incoming-request."+m, func(ctx context.Context, args []component.Value) (component.Value, error) {
			r, err := resourceArg[*incomingRequest](h, args, 0, kindIncomingRequest)
			if err != nil {
				return nil, err
			}
			return body(r, args)
		})
	}
	inReq("method", func(r *incomingRequest, _ []component.Value) (component.Value, error) {
		return methodValue(r.method), nil
	})
	inReq("path-with-query", func(r *incomingRequest, _ []component.Value) (component.Value, error) {
		return component.Some(component.String(r.pathQuery)), nil
	})
	inReq("scheme", func(r *incomingRequest, _ []component.Value) (component.Value, error) {
		return component.Some(schemeValue(r.scheme)), nil
	})
	inReq("authority", func(r *incomingRequest, _ []component.Value) (component.Value, error) {
		return component.Some(component.String(r.authority)), nil
	})
	inReq("headers", func(r *incomingRequest, _ []component.Value) (component.Value, error) {
		return h.newResource(kindFields, r.headers.view())
	})
	inReq("consume", func(r *incomingRequest, _ []component.Value) (component.Value, error) {
		if r.consumed {
			return component.Err(nil), nil
		}
		v, err := h.newResource(kindIncomingBody, r.body)
		if err != nil {
			return nil, err
		}
		r.consumed = true
		return component.Ok(v), nil
	})

	// outgoing-request
	fn("[constructor]outgoing-request", func(ctx context.Context, args []component.Value) (component.Value, error) {
		hd, err := takeResource[*fields](h, args, 0, kindFields)
		if err != nil {
			return nil, err
		}
		return h.newResource(kindOutgoingRequest, &outgoingRequest{method: "GET", headers: hd.view()})
	})
	outReq := func(m string, body func(r *outgoingRequest, args []component.Value) (component.Value, error)) {
		fn("[method]outgoing-request."+m, func(ctx context.Context, args []component.Value) (component.Value, error) {
			r, err := resourceArg[*outgoingRequest](h, args, 0, kindOutgoingRequest)
			if err != nil {
				return nil, err
			}
			return body(r, args)
		})
	}
	outReq("body", func(r *outgoingRequest, _ []component.Value) (component.Value, error) {
		if r.body != nil {
			return component.Err(nil), nil
		}
		limit, err := contentLength(r.headers)
		if err != nil {
			limit = -1 // handle refuses the request
		}
		b := &outgoingBody{p: newBodyPipe(limit, "HTTP-request-body-size")}
		v, err := h.newResource(kindOutgoingBody, b)
		if err != nil {
			return nil, err
		}
		r.body = b
		return component.Ok(v), nil
	})
	outReq("method", func(r *outgoingRequest, _ []component.Value) (component.Value, error) {
		return methodValue(r.method), nil
	})
	outReq("set-method", func(r *outgoingRequest, args []component.Value) (component.Value, error) {
		m, ok, err := methodArg(args, 1)
		if err != nil {
			return nil, err
		}
		if !ok {
			return component.Err(nil), nil
		}
		r.method = m
		return component.Ok(nil), nil
	})
	optStringSetter := func(name string, valid func(string) bool, field func(r *outgoingRequest) **string) {
		outReq(name, func(r *outgoingRequest, _ []component.Value) (component.Value, error) {
			return optString(*field(r)), nil
		})
		outReq("set-"+name, func(r *outgoingRequest, args []component.Value) (component.Value, error) {
			v, err := optionArg(args, 1)
			if err != nil {
				return nil, err
			}
			if v == nil {
				*field(r) = nil
				return component.Ok(nil), nil
			}
			s, err := stringArg(v, 0)
			if err != nil {
				return nil, fmt.Errorf("argument 1: %w", err)
			}
			if !valid(s) {
				return component.Err(nil), nil
			}
			*field(r) = &s
			return component.Ok(nil), nil
		})
	}
	optStringSetter("path-with-query", validPathQuery, func(r *outgoingRequest) **string { return &r.pathQuery })
	optStringSetter("authority", validAuthority, func(r *outgoingRequest) **string { return &r.author })
	outReq("scheme", func(r *outgoingRequest, _ []component.Value) (component.Value, error) {
		if r.scheme == nil {
			return component.None, nil
		}
		return component.Some(schemeValue(*r.scheme)), nil
	})
	outReq("set-scheme", func(r *outgoingRequest, args []component.Value) (component.Value, error) {
		v, err := optionArg(args, 1)
		if err != nil {
			return nil, err
		}
		if v == nil {
			r.scheme = nil
			return component.Ok(nil), nil
		}
		s, err := schemeOf(v[0])
		if err != nil {
			return nil, fmt.Errorf("argument 1: %w", err)
		}
		if !validScheme(s) {
			return component.Err(nil), nil
		}
		r.scheme = &s
		return component.Ok(nil), nil
	})
	outReq("headers", func(r *outgoingRequest, _ []component.Value) (component.Value, error) {
		return h.newResource(kindFields, r.headers.view())
	})

	// request-options
	fn("[constructor]request-options", func(ctx context.Context, args []component.Value) (component.Value, error) {
		return h.newResource(kindRequestOptions, &requestOptions{})
	})
	timeout := func(name string, field func(o *requestOptions) **uint64) {
		fn("[method]request-options."+name, func(ctx context.Context, args []component.Value) (component.Value, error) {
			o, err := resourceArg[*requestOptions](h, args, 0, kindRequestOptions)
			if err != nil {
				return nil, err
			}
			if d := *field(o); d != nil {
				return component.Some(component.U64(*d)), nil
			}
			return component.None, nil
		})
		fn("[method]request-options.set-"+name, func(ctx context.Context, args []component.Value) (component.Value, error) {
			o, err := resourceArg[*requestOptions](h, args, 0, kindRequestOptions)
			if err != nil {
				return nil, err
			}
			v, err := optionArg(args, 1)
			if err != nil {
				return nil, err
			}
			if v == nil {
				*field(o) = nil
				return component.Ok(nil), nil
			}
			d, err := u64Arg(v, 0)
			if err != nil {
				return nil, fmt.Errorf("argument 1: %w", err)
			}
			*field(o) = &d
			return component.Ok(nil), nil
		})
	}
	timeout("connect-timeout", func(o *requestOptions) **uint64 { return &o.connect })
	timeout("first-byte-timeout", func(o *requestOptions) **uint64 { return &o.firstByte })
	timeout("between-bytes-timeout", func(o *requestOptions) **uint64 { return &o.betweenBytes })

	// response-outparam
	fn("[method]response-outparam.send-informational", func(ctx context.Context, args []component.Value) (component.Value, error) {
		if _, err := resourceArg[*responseOutparam](h, args, 0, kindResponseOutparam); err != nil {
			return nil, err
		}
		return component.Err(internalError("informational responses are not supported").code), nil
	})
	fn("[static]response-outparam.set", func(ctx context.Context, args []component.Value) (component.Value, error) {
		out, err := takeResource[*responseOutparam](h, args, 0, kindResponseOutparam)
		if err != nil {
			return nil, err
		}
		if len(args) < 2 {
			return nil, errors.New("missing argument 1")
		}
		res, ok := args[1].(component.Result)
		if !ok {
			out.release()
			return nil, fmt.Errorf("argument 1: expected a result, got %T", args[1])
		}
		if res.IsErr {
			code, ok := res.Value.(component.Variant)
			if !ok {
				out.release()
				return nil, fmt.Errorf("argument 1: expected an error-code, got %T", res.Value)
			}
			out.deliver(nil, &httpError{code: code})
			return nil, nil
		}
		resp, err := takeResource[*outgoingResponse](h, []component.Value{res.Value}, 0, kindOutgoingResponse)
		if err != nil {
			out.release()
			return nil, fmt.Errorf("argument 1: %w", err)
		}
		if resp.body != nil {
			resp.body.p.attach() // the host reads it from now on
		}
		out.deliver(resp, nil)
		return nil, nil
	})

	// incoming-response
	inResp := func(m string, body func(r *incomingResponse) (component.Value, error)) {
		fn("[method]incoming-response."+m, func(ctx context.Context, args []component.Value) (component.Value, error) {
			r, err := resourceArg[*incomingResponse](h, args, 0, kindIncomingResponse)
			if err != nil {
				return nil, err
			}
			return body(r)
		})
	}
	inResp("status", func(r *incomingResponse) (component.Value, error) { return component.U16(r.status), nil })
	inResp("headers", func(r *incomingResponse) (component.Value, error) {
		return h.newResource(kindFields, r.headers.view())
	})
	inResp("consume", func(r *incomingResponse) (component.Value, error) {
		if r.consumed {
			return component.Err(nil), nil
		}
		v, err := h.newResource(kindIncomingBody, r.body)
		if err != nil {
			return nil, err
		}
		r.consumed = true
		return component.Ok(v), nil
	})

	// incoming-body
	fn("[method]incoming-body.stream", func(ctx context.Context, args []component.Value) (component.Value, error) {
		b, err := resourceArg[*incomingBody](h, args, 0, kindIncomingBody)
		if err != nil {
			return nil, err
		}
		return b.openStream(h, kindInputStream, func(onDrop func()) any { return &inputStream{src: b.src, onDrop: onDrop} })
	})
	fn("[static]incoming-body.finish", func(ctx context.Context, args []component.Value) (component.Value, error) {
		b, err := takeResource[*incomingBody](h, args, 0, kindIncomingBody)
		if err != nil {
			return nil, err
		}
		if b.streamAlive {
			b.release()
			return nil, errors.New("incoming-body.finish: the body's input-stream is alive (drop it first)")
		}
		return h.newResource(kindFutureTrailers, &futureTrailers{b})
	})

	// future-trailers
	fn("[method]future-trailers.subscribe", func(ctx context.Context, args []component.Value) (component.Value, error) {
		ft, err := resourceArg[*futureTrailers](h, args, 0, kindFutureTrailers)
		if err != nil {
			return nil, err
		}
		return h.pollableValue(ft)
	})
	fn("[method]future-trailers.get", func(ctx context.Context, args []component.Value) (component.Value, error) {
		ft, err := resourceArg[*futureTrailers](h, args, 0, kindFutureTrailers)
		if err != nil {
			return nil, err
		}
		if !ft.ready() {
			return component.None, nil
		}
		if ft.taken {
			return component.Some(component.Err(nil)), nil
		}
		ft.taken = true
		r := ft.r
		r.mu.Lock()
		herr, trailers := r.err, r.trailers
		r.mu.Unlock()
		if herr != nil {
			return component.Some(component.Ok(component.Err(herr.code))), nil
		}
		if len(trailers) == 0 {
			return component.Some(component.Ok(component.Ok(component.None))), nil
		}
		v, err := h.newResource(kindFields, fieldsFrom(trailers))
		if err != nil {
			return nil, err
		}
		return component.Some(component.Ok(component.Ok(component.Some(v)))), nil
	})

	// outgoing-response
	fn("[constructor]outgoing-response", func(ctx context.Context, args []component.Value) (component.Value, error) {
		hd, err := takeResource[*fields](h, args, 0, kindFields)
		if err != nil {
			return nil, err
		}
		return h.newResource(kindOutgoingResponse, &outgoingResponse{status: 200, headers: hd.view()})
	})
	outResp := func(m string, body func(r *outgoingResponse, args []component.Value) (component.Value, error)) {
		fn("[method]outgoing-response."+m, func(ctx context.Context, args []component.Value) (component.Value, error) {
			r, err := resourceArg[*outgoingResponse](h, args, 0, kindOutgoingResponse)
			if err != nil {
				return nil, err
			}
			return body(r, args)
		})
	}
	outResp("status-code", func(r *outgoingResponse, _ []component.Value) (component.Value, error) {
		return component.U16(r.status), nil
	})
	outResp("set-status-code", func(r *outgoingResponse, args []component.Value) (component.Value, error) {
		if len(args) < 2 {
			return nil, errors.New("missing argument 1")
		}
		c, ok := args[1].(component.U16)
		if !ok {
			return nil, fmt.Errorf("argument 1: expected a u16, got %T", args[1])
		}
		if c < 100 || c > 999 {
			return component.Err(nil), nil
		}
		r.status = int(c)
		return component.Ok(nil), nil
	})
	outResp("headers", func(r *outgoingResponse, _ []component.Value) (component.Value, error) {
		return h.newResource(kindFields, r.headers.view())
	})
	outResp("body", func(r *outgoingResponse, _ []component.Value) (component.Value, error) {
		if r.body != nil {
			return component.Err(nil), nil
		}
		limit, err := contentLength(r.headers)
		if err != nil {
			limit = -1
		}
		b := &outgoingBody{p: newBodyPipe(limit, "HTTP-response-body-size")}
		v, err := h.newResource(kindOutgoingBody, b)
		if err != nil {
			return nil, err
		}
		r.body = b
		return component.Ok(v), nil
	})

	// outgoing-body
	fn("[method]outgoing-body.write", func(ctx context.Context, args []component.Value) (component.Value, error) {
		b, err := resourceArg[*outgoingBody](h, args, 0, kindOutgoingBody)
		if err != nil {
			return nil, err
		}
		return b.openStream(h, kindOutputStream, func(onDrop func()) any { return &outputStream{dst: b.p, onDrop: onDrop} })
	})
	fn("[static]outgoing-body.finish", func(ctx context.Context, args []component.Value) (component.Value, error) {
		b, err := takeResource[*outgoingBody](h, args, 0, kindOutgoingBody)
		if err != nil {
			return nil, err
		}
		if b.streamAlive {
			err := errors.New("outgoing-body.finish: the body's output-stream is alive (drop it first)")
			b.p.abort(err)
			return nil, err
		}
		t, err := optionArg(args, 1)
		if err != nil {
			b.release()
			return nil, err
		}
		var trailers http.Header
		if t != nil {
			tf, err := takeResource[*fields](h, t, 0, kindFields)
			if err != nil {
				b.release()
				return nil, fmt.Errorf("argument 1: %w", err)
			}
			trailers = tf.header()
		}
		if err := b.p.finish(trailers); err != nil {
			var he *httpError
			if errors.As(err, &he) {
				return component.Err(he.code), nil
			}
			return component.Err(internalError(err.Error()).code), nil
		}
		return component.Ok(nil), nil
	})

	// future-incoming-response
	fn("[method]future-incoming-response.subscribe", func(ctx context.Context, args []component.Value) (component.Value, error) {
		fr, err := resourceArg[*futureResponse](h, args, 0, kindFutureIncomingResponse)
		if err != nil {
			return nil, err
		}
		return h.pollableValue(fr)
	})
	fn("[method]future-incoming-response.get", func(ctx context.Context, args []component.Value) (component.Value, error) {
		fr, err := resourceArg[*futureResponse](h, args, 0, kindFutureIncomingResponse)
		if err != nil {
			return nil, err
		}
		return fr.get(h)
	})

	fn("http-error-code", func(ctx context.Context, args []component.Value) (component.Value, error) {
		e, err := resourceArg[*ioErrorObj](h, args, 0, kindError)
		if err != nil {
			return nil, err
		}
		var he *httpError
		if errors.As(e.err, &he) {
			return component.Some(he.code), nil
		}
		return component.None, nil
	})
	return in
}
