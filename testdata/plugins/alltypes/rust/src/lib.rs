//! The all-types plugin (../wit/alltypes.wit) in Rust, the twin of
//! ../c/alltypes.c: scripts/build-alltypes.sh builds it with cargo and the
//! `wit-bindgen` crate for wasm32-wasip2 (cargo links the component).
//!
//! Every echo-T passes its argument to the host's host-echo-T and returns
//! the host's reply. Ownership follows wit-bindgen Rust's rules: an export
//! owns its arguments (dropped when it returns), an import borrows its
//! arguments and gives us its results (which become the export's result,
//! freed by the generated post-return).

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

use exports::plugwit::alltypes::counters::{self, Counter, CounterBorrow, GuestCounter};

wit_bindgen::generate!({
    path: "../wit",
    world: "alltypes",
});

struct Plugin;

impl Guest for Plugin {
    fn echo_bool(x: bool) -> bool {
        host_echo_bool(x)
    }
    fn echo_s8(x: i8) -> i8 {
        host_echo_s8(x)
    }
    fn echo_u8(x: u8) -> u8 {
        host_echo_u8(x)
    }
    fn echo_s16(x: i16) -> i16 {
        host_echo_s16(x)
    }
    fn echo_u16(x: u16) -> u16 {
        host_echo_u16(x)
    }
    fn echo_s32(x: i32) -> i32 {
        host_echo_s32(x)
    }
    fn echo_u32(x: u32) -> u32 {
        host_echo_u32(x)
    }
    fn echo_s64(x: i64) -> i64 {
        host_echo_s64(x)
    }
    fn echo_u64(x: u64) -> u64 {
        host_echo_u64(x)
    }
    fn echo_f32(x: f32) -> f32 {
        host_echo_f32(x)
    }
    fn echo_f64(x: f64) -> f64 {
        host_echo_f64(x)
    }
    fn echo_char(x: char) -> char {
        host_echo_char(x)
    }
    fn echo_string(x: String) -> String {
        host_echo_string(&x)
    }
    fn echo_list_u8(x: Vec<u8>) -> Vec<u8> {
        host_echo_list_u8(&x)
    }
    fn echo_list_string(x: Vec<String>) -> Vec<String> {
        host_echo_list_string(&x)
    }
    fn echo_list_point(x: Vec<Point>) -> Vec<Point> {
        host_echo_list_point(&x)
    }
    fn echo_list_list(x: Vec<Vec<String>>) -> Vec<Vec<String>> {
        host_echo_list_list(&x)
    }
    fn echo_option_u32(x: Option<u32>) -> Option<u32> {
        host_echo_option_u32(x)
    }
    fn echo_option_string(x: Option<String>) -> Option<String> {
        host_echo_option_string(x.as_deref())
    }
    fn echo_option_option(x: Option<Option<u8>>) -> Option<Option<u8>> {
        host_echo_option_option(x)
    }
    fn echo_result_unit(x: Result<(), ()>) -> Result<(), ()> {
        host_echo_result_unit(x)
    }
    fn echo_result_ok(x: Result<u32, ()>) -> Result<u32, ()> {
        host_echo_result_ok(x)
    }
    fn echo_result_err(x: Result<(), String>) -> Result<(), String> {
        host_echo_result_err(x.as_ref().map(|_| ()).map_err(|e| e.as_str()))
    }
    fn echo_result_both(x: Result<String, u64>) -> Result<String, u64> {
        host_echo_result_both(x.as_deref().map_err(|e| *e))
    }
    fn echo_tuple(x: (u8, String, f64)) -> (u8, String, f64) {
        host_echo_tuple((x.0, &x.1, x.2))
    }
    fn echo_point(x: Point) -> Point {
        host_echo_point(&x)
    }
    fn echo_padded(x: Padded) -> Padded {
        host_echo_padded(x)
    }
    fn echo_mixed(x: Mixed) -> Mixed {
        host_echo_mixed(&x)
    }
    fn echo_small_variant(x: SmallVariant) -> SmallVariant {
        host_echo_small_variant(x)
    }
    fn echo_small_enum(x: SmallEnum) -> SmallEnum {
        host_echo_small_enum(x)
    }
    fn echo_big_enum(x: BigEnum) -> BigEnum {
        host_echo_big_enum(x)
    }
    fn echo_flags1(x: Flags1) -> Flags1 {
        host_echo_flags1(x)
    }
    fn echo_flags9(x: Flags9) -> Flags9 {
        host_echo_flags9(x)
    }
    fn echo_flags17(x: Flags17) -> Flags17 {
        host_echo_flags17(x)
    }
    fn echo_flags32(x: Flags32) -> Flags32 {
        host_echo_flags32(x)
    }

    // 17 parameters, 29 flat values: they reach us in memory (which the
    // generated code frees), and go to the host in memory we own.
    fn echo_many(
        a: u8,
        b: i8,
        c: u16,
        d: i16,
        e: u32,
        f: i32,
        g: u64,
        h: i64,
        i: f32,
        j: f64,
        k: char,
        l: bool,
        m: String,
        n: Vec<u8>,
        o: Point,
        p: Option<u32>,
        q: Mixed,
    ) -> Many {
        host_echo_many(a, b, c, d, e, f, g, h, i, j, k, l, &m, &n, &o, p, &q)
    }

    // hres, the host's resource.

    fn hres_new(v: u32) -> Hres {
        Hres::new(v)
    }

    fn hres_make(v: u32) -> Hres {
        host_make_hres(v)
    }

    // Borrows r twice (a method and an import), checks that both see the
    // same resource, and gives it back.
    fn hres_roundtrip(r: Hres) -> Hres {
        if host_peek_hres(&r) * 10 != r.get() {
            // Like C's abort: wasi-libc's abort is an `unreachable`.
            std::process::abort();
        }
        r
    }

    // Passes the borrow on; the generated code drops the borrow of the
    // imported resource before the export returns.
    fn hres_borrow(r: &Hres) -> u32 {
        host_peek_hres(r) + r.get()
    }

    fn hres_consume(r: Hres) -> u32 {
        host_take_hres(r)
    }

    fn hres_drop(r: Hres) {
        drop(r);
    }

    fn memory_pages() -> u32 {
        core::arch::wasm32::memory_size::<0>() as u32
    }
}

// counter, the plugin's resource.

static DROPS: AtomicU32 = AtomicU32::new(0);
static LAST_DROPPED: AtomicU32 = AtomicU32::new(0);

struct MyCounter {
    value: Cell<u32>,
}

// The destructor: the host dropped the last handle, or the guest dropped
// an own handle (Counter) it was given.
impl Drop for MyCounter {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::Relaxed);
        LAST_DROPPED.store(self.value.get(), Ordering::Relaxed);
    }
}

impl GuestCounter for MyCounter {
    fn new(start: u32) -> Self {
        MyCounter { value: Cell::new(start) }
    }

    fn add(&self, n: u32) -> u32 {
        let v = self.value.get().wrapping_add(n);
        self.value.set(v);
        v
    }

    fn get(&self) -> u32 {
        self.value.get()
    }

    fn make(start: u32) -> Counter {
        Counter::new(MyCounter::new(start))
    }

    // Consumes a (its destructor runs), borrows b.
    fn merge(a: Counter, b: CounterBorrow<'_>) -> Counter {
        let sum = a.get::<MyCounter>().get().wrapping_add(b.get::<MyCounter>().get());
        drop(a);
        Counter::new(MyCounter::new(sum))
    }
}

impl counters::Guest for Plugin {
    type Counter = MyCounter;

    fn consume(c: Counter) -> u32 {
        let v = c.get::<MyCounter>().get();
        drop(c);
        v
    }

    fn peek(c: CounterBorrow<'_>) -> u32 {
        c.get::<MyCounter>().get()
    }

    fn drops() -> (u32, u32) {
        (DROPS.load(Ordering::Relaxed), LAST_DROPPED.load(Ordering::Relaxed))
    }
}

export!(Plugin);
