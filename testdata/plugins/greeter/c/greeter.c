// The greeter plugin (../wit/greeter.wit) in C. scripts/build-plugins.sh
// generates the bindings (api.h, api.c, api_component_type.o) with
// `wit-bindgen c --world api`, compiles a wasm32-wasi reactor with clang and
// wasi-libc, and makes a component of it with the WASI preview1 adapter.
#include <stdio.h>

#include "api.h"

void exports_api_init_plugin(void) {}

// The bindings hand over ownership of msg's strings: free them when done.
void exports_api_greet(api_message_t *msg) {
  printf("Oh! %.*s, my name is %.*s\n", (int)msg->content.len, (const char *)msg->content.ptr,
         (int)msg->name.len, (const char *)msg->name.ptr);
  fflush(stdout);
  api_cool_print();
  api_message_free(msg);
}
