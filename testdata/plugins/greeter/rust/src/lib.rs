//! The reference scenario's greeter plugin (DESIGN.md): `greet` prints the
//! message through WASI stdout, then calls the host's `cool-print`.

wit_bindgen::generate!({
    path: "../wit",
    world: "api",
});

struct Greeter;

impl Guest for Greeter {
    fn init_plugin() {}

    fn greet(msg: Message) {
        println!("Oh! {}, my name is {}", msg.content, msg.name);
        cool_print();
    }
}

export!(Greeter);
