//! proxy-rust answers every request with 200, the header `x-served-by:
//! proxy-rust` and the body `rust: METHOD PATH x-test=VALUE body=N`, where
//! N is the number of bytes of the request body it read; the path
//! /missing answers 404. The status goes out before the body is written.

use wasi::http::types::{Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam};

struct Proxy;

impl wasi::exports::http::incoming_handler::Guest for Proxy {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let method = match request.method() {
            Method::Get => "GET".to_string(),
            Method::Post => "POST".to_string(),
            Method::Put => "PUT".to_string(),
            Method::Other(m) => m,
            _ => "OTHER".to_string(),
        };
        let path = request.path_with_query().unwrap_or_default();
        let test = request
            .headers()
            .get(&"x-test".to_string())
            .first()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default();
        let mut n = 0;
        if let Ok(b) = request.consume() {
            if let Ok(s) = b.stream() {
                while let Ok(chunk) = s.blocking_read(65536) {
                    n += chunk.len();
                }
            }
        }
        let headers = Fields::new();
        headers.set(&"x-served-by".to_string(), &[b"proxy-rust".to_vec()]).unwrap();
        let resp = OutgoingResponse::new(headers);
        resp.set_status_code(if path == "/missing" { 404 } else { 200 }).unwrap();
        let ob = resp.body().unwrap();
        ResponseOutparam::set(out, Ok(resp));
        let s = ob.write().unwrap();
        let msg = format!("rust: {} {} x-test={} body={}\n", method, path, test, n);
        for chunk in msg.as_bytes().chunks(4096) {
            s.blocking_write_and_flush(chunk).unwrap();
        }
        drop(s);
        OutgoingBody::finish(ob, None).unwrap();
    }
}

wasi::http::proxy::export!(Proxy);
