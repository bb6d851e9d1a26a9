# The greeter plugin (../wit/greeter.wit) in Python, for componentize-py
# (scripts/build-plugins.sh): `componentize-py -d ../wit -w api componentize app`.
import wit_world


class WitWorld(wit_world.WitWorld):
    def init_plugin(self) -> None:
        pass

    def greet(self, msg: wit_world.Message) -> None:
        print(f"Oh! {msg.content}, my name is {msg.name}", flush=True)
        wit_world.cool_print()
