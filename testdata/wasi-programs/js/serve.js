// An HTTP handler in JavaScript (componentize-js): exports
// wasi:http/incoming-handler by hand (not StarlingMonkey's fetch event) and
// answers each request with its method, path, one request header and the
// length of its body, through the wasi:http/types resources.
import {
  Fields,
  OutgoingBody,
  OutgoingResponse,
  ResponseOutparam,
} from 'wasi:http/types@0.2.12';

const enc = new TextEncoder();
const dec = new TextDecoder();

function drop(r) {
  if (typeof Symbol.dispose === 'symbol' && typeof r[Symbol.dispose] === 'function') {
    r[Symbol.dispose]();
  }
}

function isClosed(e) {
  return e && (e.tag === 'closed' || (e.payload && e.payload.tag === 'closed'));
}

// readAll reads an incoming request body to its end and returns its length.
function readAll(request) {
  const body = request.consume();
  const stream = body.stream();
  let n = 0;
  for (;;) {
    try {
      n += stream.blockingRead(65536n).length;
    } catch (e) {
      if (isClosed(e)) break;
      throw e;
    }
  }
  drop(stream);
  drop(body);
  return n;
}

export const incomingHandler = {
  handle(request, responseOut) {
    const method = request.method();
    const path = request.pathWithQuery() ?? '/';
    const test = request.headers().get('x-test').map((v) => dec.decode(v)).join(',');
    const length = readAll(request);
    const text = `hello from js: ${method.tag.toUpperCase()} ${path} x-test=${test} body=${length}\n`;

    const headers = Fields.fromList([
      ['content-type', enc.encode('text/plain')],
      ['x-served-by', enc.encode('serve.js')],
    ]);
    const response = new OutgoingResponse(headers);
    response.setStatusCode(path === '/missing' ? 404 : 200);
    const body = response.body();
    ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
    const out = body.write();
    out.blockingWriteAndFlush(enc.encode(text));
    drop(out);
    OutgoingBody.finish(body, undefined);
  },
};
