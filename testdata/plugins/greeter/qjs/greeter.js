// The greeter plugin in JavaScript, for componentize-qjs
// (scripts/build-plugins.sh). World: world.wit here, which is
// ../wit/greeter.wit plus wasi:cli/stdout.
//
// componentize-qjs's QuickJS has no console and no TextEncoder: output goes
// through WASI's stdout stream as UTF-8 bytes. World-level function imports
// are globals (`coolPrint`).
import stdout from 'wasi:cli/stdout@0.2.0';

function utf8(s) {
  const out = [];
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return new Uint8Array(out);
}

export function initPlugin() {}

export function greet(msg) {
  const out = stdout.getStdout();
  out.blockingWriteAndFlush(utf8(`Oh! ${msg.content}, my name is ${msg.name}\n`));
  coolPrint();
}
