// The all-types plugin (../wit/alltypes.wit) in C. scripts/build-alltypes.sh
// generates the bindings (alltypes.h, alltypes.c,
// alltypes_component_type.o) with `wit-bindgen c`, compiles a wasm32-wasi
// reactor with clang and wasi-libc, and makes a component of it.
//
// Every echo-T passes its argument to the host's host-echo-T and returns
// the host's reply. Ownership follows wit-bindgen C's rules: an export owns
// its arguments (so it frees them), an import borrows its arguments (they
// stay ours) and gives us its results (which become the export's result,
// freed by the generated post-return).
#include <stdlib.h>

#include "alltypes.h"

bool exports_alltypes_echo_bool(bool x) { return alltypes_host_echo_bool(x); }
int8_t exports_alltypes_echo_s8(int8_t x) { return alltypes_host_echo_s8(x); }
uint8_t exports_alltypes_echo_u8(uint8_t x) { return alltypes_host_echo_u8(x); }
int16_t exports_alltypes_echo_s16(int16_t x) { return alltypes_host_echo_s16(x); }
uint16_t exports_alltypes_echo_u16(uint16_t x) { return alltypes_host_echo_u16(x); }
int32_t exports_alltypes_echo_s32(int32_t x) { return alltypes_host_echo_s32(x); }
uint32_t exports_alltypes_echo_u32(uint32_t x) { return alltypes_host_echo_u32(x); }
int64_t exports_alltypes_echo_s64(int64_t x) { return alltypes_host_echo_s64(x); }
uint64_t exports_alltypes_echo_u64(uint64_t x) { return alltypes_host_echo_u64(x); }
float exports_alltypes_echo_f32(float x) { return alltypes_host_echo_f32(x); }
double exports_alltypes_echo_f64(double x) { return alltypes_host_echo_f64(x); }
uint32_t exports_alltypes_echo_char(uint32_t x) { return alltypes_host_echo_char(x); }

void exports_alltypes_echo_string(alltypes_string_t *x, alltypes_string_t *ret) {
  alltypes_host_echo_string(x, ret);
  alltypes_string_free(x);
}

void exports_alltypes_echo_list_u8(alltypes_list_u8_t *x, alltypes_list_u8_t *ret) {
  alltypes_host_echo_list_u8(x, ret);
  alltypes_list_u8_free(x);
}

void exports_alltypes_echo_list_string(alltypes_list_string_t *x, alltypes_list_string_t *ret) {
  alltypes_host_echo_list_string(x, ret);
  alltypes_list_string_free(x);
}

void exports_alltypes_echo_list_point(alltypes_list_point_t *x, alltypes_list_point_t *ret) {
  alltypes_host_echo_list_point(x, ret);
  alltypes_list_point_free(x);
}

void exports_alltypes_echo_list_list(alltypes_list_list_string_t *x, alltypes_list_list_string_t *ret) {
  alltypes_host_echo_list_list(x, ret);
  alltypes_list_list_string_free(x);
}

bool exports_alltypes_echo_option_u32(uint32_t *maybe_x, uint32_t *ret) {
  return alltypes_host_echo_option_u32(maybe_x, ret);
}

bool exports_alltypes_echo_option_string(alltypes_string_t *maybe_x, alltypes_string_t *ret) {
  bool some = alltypes_host_echo_option_string(maybe_x, ret);
  if (maybe_x) {
    alltypes_string_free(maybe_x);
  }
  return some;
}

bool exports_alltypes_echo_option_option(alltypes_option_u8_t *maybe_x, alltypes_option_u8_t *ret) {
  return alltypes_host_echo_option_option(maybe_x, ret);
}

bool exports_alltypes_echo_result_unit(alltypes_result_void_void_t *x) {
  return alltypes_host_echo_result_unit(x);
}

bool exports_alltypes_echo_result_ok(alltypes_result_u32_void_t *x, uint32_t *ret) {
  return alltypes_host_echo_result_ok(x, ret);
}

bool exports_alltypes_echo_result_err(alltypes_result_void_string_t *x, alltypes_string_t *err) {
  bool ok = alltypes_host_echo_result_err(x, err);
  alltypes_result_void_string_free(x);
  return ok;
}

bool exports_alltypes_echo_result_both(alltypes_result_string_u64_t *x, alltypes_string_t *ret, uint64_t *err) {
  bool ok = alltypes_host_echo_result_both(x, ret, err);
  alltypes_result_string_u64_free(x);
  return ok;
}

void exports_alltypes_echo_tuple(alltypes_tuple3_u8_string_f64_t *x, alltypes_tuple3_u8_string_f64_t *ret) {
  alltypes_host_echo_tuple(x, ret);
  alltypes_tuple3_u8_string_f64_free(x);
}

void exports_alltypes_echo_point(alltypes_point_t *x, alltypes_point_t *ret) {
  alltypes_host_echo_point(x, ret);
  alltypes_point_free(x);
}

void exports_alltypes_echo_padded(alltypes_padded_t *x, alltypes_padded_t *ret) {
  alltypes_host_echo_padded(x, ret);
}

void exports_alltypes_echo_mixed(alltypes_mixed_t *x, alltypes_mixed_t *ret) {
  alltypes_host_echo_mixed(x, ret);
  alltypes_mixed_free(x);
}

void exports_alltypes_echo_small_variant(alltypes_small_variant_t *x, alltypes_small_variant_t *ret) {
  alltypes_host_echo_small_variant(x, ret);
}

alltypes_small_enum_t exports_alltypes_echo_small_enum(alltypes_small_enum_t x) {
  return alltypes_host_echo_small_enum(x);
}

alltypes_big_enum_t exports_alltypes_echo_big_enum(alltypes_big_enum_t x) {
  return alltypes_host_echo_big_enum(x);
}

alltypes_flags1_t exports_alltypes_echo_flags1(alltypes_flags1_t x) { return alltypes_host_echo_flags1(x); }
alltypes_flags9_t exports_alltypes_echo_flags9(alltypes_flags9_t x) { return alltypes_host_echo_flags9(x); }
alltypes_flags17_t exports_alltypes_echo_flags17(alltypes_flags17_t x) { return alltypes_host_echo_flags17(x); }
alltypes_flags32_t exports_alltypes_echo_flags32(alltypes_flags32_t x) { return alltypes_host_echo_flags32(x); }

// 17 parameters, 29 flat values: they reach us in memory (which the
// generated code frees), and go to the host in memory we own.
void exports_alltypes_echo_many(uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e, int32_t f, uint64_t g,
                                int64_t h, float i, double j, uint32_t k, bool l, alltypes_string_t *m,
                                alltypes_list_u8_t *n, alltypes_point_t *o, uint32_t *maybe_p, alltypes_mixed_t *q,
                                alltypes_many_t *ret) {
  alltypes_host_echo_many(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, maybe_p, q, ret);
  alltypes_string_free(m);
  alltypes_list_u8_free(n);
  alltypes_point_free(o);
  alltypes_mixed_free(q);
}

// hres, the host's resource.

alltypes_own_hres_t exports_alltypes_hres_new(uint32_t v) { return alltypes_constructor_hres(v); }

alltypes_own_hres_t exports_alltypes_hres_make(uint32_t v) { return alltypes_host_make_hres(v); }

// Borrows r twice (a method and an import), checks that both see the
// same resource, and gives it back.
alltypes_own_hres_t exports_alltypes_hres_roundtrip(alltypes_own_hres_t r) {
  alltypes_borrow_hres_t b = alltypes_borrow_hres(r);
  if (alltypes_host_peek_hres(b) * 10 != alltypes_method_hres_get(b)) {
    abort();
  }
  return r;
}

// Passes the borrow on; a borrow of an imported resource given to an
// export must be dropped before the export returns.
uint32_t exports_alltypes_hres_borrow(alltypes_borrow_hres_t r) {
  uint32_t v = alltypes_host_peek_hres(r) + alltypes_method_hres_get(r);
  alltypes_hres_drop_borrow(r);
  return v;
}

uint32_t exports_alltypes_hres_consume(alltypes_own_hres_t r) { return alltypes_host_take_hres(r); }

void exports_alltypes_hres_drop(alltypes_own_hres_t r) { alltypes_hres_drop_own(r); }

uint32_t exports_alltypes_memory_pages(void) { return (uint32_t)__builtin_wasm_memory_size(0); }

// counter, the plugin's resource.

struct exports_plugwit_alltypes_counters_counter_t {
  uint32_t value;
};

typedef exports_plugwit_alltypes_counters_counter_t counter_t;
typedef exports_plugwit_alltypes_counters_own_counter_t own_counter_t;

static uint32_t drops, last_dropped;

static own_counter_t new_counter(uint32_t start) {
  counter_t *c = malloc(sizeof *c);
  if (!c) {
    abort();
  }
  c->value = start;
  return exports_plugwit_alltypes_counters_counter_new(c);
}

own_counter_t exports_plugwit_alltypes_counters_constructor_counter(uint32_t start) { return new_counter(start); }

uint32_t exports_plugwit_alltypes_counters_method_counter_add(counter_t *self, uint32_t n) {
  return self->value += n;
}

uint32_t exports_plugwit_alltypes_counters_method_counter_get(counter_t *self) { return self->value; }

own_counter_t exports_plugwit_alltypes_counters_static_counter_make(uint32_t start) { return new_counter(start); }

// Consumes a (its destructor runs), borrows b.
own_counter_t exports_plugwit_alltypes_counters_static_counter_merge(own_counter_t a, counter_t *b) {
  uint32_t sum = exports_plugwit_alltypes_counters_counter_rep(a)->value + b->value;
  exports_plugwit_alltypes_counters_counter_drop_own(a);
  return new_counter(sum);
}

uint32_t exports_plugwit_alltypes_counters_consume(own_counter_t c) {
  uint32_t v = exports_plugwit_alltypes_counters_counter_rep(c)->value;
  exports_plugwit_alltypes_counters_counter_drop_own(c);
  return v;
}

uint32_t exports_plugwit_alltypes_counters_peek(counter_t *c) { return c->value; }

void exports_plugwit_alltypes_counters_drops(alltypes_tuple2_u32_u32_t *ret) {
  ret->f0 = drops;
  ret->f1 = last_dropped;
}

void exports_plugwit_alltypes_counters_counter_destructor(counter_t *rep) {
  drops++;
  last_dropped = rep->value;
  free(rep);
}
