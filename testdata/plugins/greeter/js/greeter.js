// The greeter plugin in JavaScript, for componentize-js
// (scripts/build-plugins.sh). World: ../wit/greeter.wit.
import coolPrint from 'cool-print';

export function initPlugin() {}

export function greet(msg) {
  console.log(`Oh! ${msg.content}, my name is ${msg.name}`);
  coolPrint();
}
