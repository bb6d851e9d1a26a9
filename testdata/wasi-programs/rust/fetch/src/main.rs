//! fetch-rust AUTHORITY PATH: POSTs "hello from rust" with the header
//! `x-from: fetch-rust` to http://AUTHORITY/PATH through
//! wasi:http/outgoing-handler, then prints the status, the `x-` headers of
//! the response and its body. A refused request prints the error-code and
//! exits 1.

use wasi::http::outgoing_handler;
use wasi::http::types::{Fields, Method, OutgoingBody, OutgoingRequest, Scheme};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: fetch-rust AUTHORITY PATH");
        std::process::exit(2);
    }
    let headers = Fields::new();
    headers.append(&"x-from".to_string(), &b"fetch-rust".to_vec()).unwrap();
    let req = OutgoingRequest::new(headers);
    req.set_method(&Method::Post).unwrap();
    req.set_scheme(Some(&Scheme::Http)).unwrap();
    req.set_authority(Some(&args[1])).unwrap();
    req.set_path_with_query(Some(&args[2])).unwrap();
    let body = req.body().unwrap();
    {
        let out = body.write().unwrap();
        out.blocking_write_and_flush(b"hello from rust").unwrap();
    }
    OutgoingBody::finish(body, None).unwrap();
    let fut = match outgoing_handler::handle(req, None) {
        Ok(f) => f,
        Err(e) => {
            println!("error {:?}", e);
            std::process::exit(1)
        }
    };
    fut.subscribe().block();
    let resp = match fut.get().unwrap().unwrap() {
        Ok(r) => r,
        Err(e) => {
            println!("error {:?}", e);
            std::process::exit(1)
        }
    };
    println!("status {}", resp.status());
    let mut xs: Vec<(String, Vec<u8>)> = resp.headers().entries().into_iter().filter(|(k, _)| k.starts_with("x-")).collect();
    xs.sort();
    for (k, v) in xs {
        println!("{}: {}", k, String::from_utf8_lossy(&v));
    }
    let body = resp.consume().unwrap();
    let stream = body.stream().unwrap();
    let mut buf = Vec::new();
    while let Ok(chunk) = stream.blocking_read(65536) {
        buf.extend_from_slice(&chunk);
    }
    drop(stream);
    println!("{}", String::from_utf8_lossy(&buf));
}
