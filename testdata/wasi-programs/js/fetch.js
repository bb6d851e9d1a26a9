// A WASI command in JavaScript (componentize-js): GETs the URL given as its
// first argument, or in the environment variable URL, with fetch() (which
// StarlingMonkey implements over wasi:http/outgoing-handler) and prints the
// status and the body. Exits 1 on an error.
import { getArguments, getEnvironment } from 'wasi:cli/environment@0.2.12';
import { exit } from 'wasi:cli/exit@0.2.12';

async function main() {
  const args = getArguments();
  let url = args[1];
  if (!url) {
    const kv = getEnvironment().find(([k]) => k === 'URL');
    url = kv && kv[1];
  }
  if (!url) {
    console.error('usage: fetch URL (or URL in the environment)');
    exit({ tag: 'err' });
  }
  let res;
  try {
    res = await fetch(url, { headers: { 'x-from': 'fetch.js' } });
  } catch (e) {
    console.error(`fetch ${url}: ${e}`);
    exit({ tag: 'err' });
  }
  const body = await res.text();
  console.log(`status ${res.status}`);
  console.log(body);
}

export const run = {
  async run() {
    await main();
  },
};
