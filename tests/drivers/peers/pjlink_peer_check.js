// The real npm `pjlink` client (0.2.8, pinned in package.json) against our PJLink simulator
// (opswall-display-sim) on loopback: authentication, power, input, errors, info, refusals.
// Usage: node pjlink_peer_check.js PATH/TO/opswall-display-sim   (PEERS_DIR = npm ci folder)
'use strict';
const { spawn } = require('child_process');
const path = require('path');
const fs = require('fs');

// Where `npm ci` put the peers: the test fixture's folder, else the shared tests/peers folder.
const candidates = [process.env.PEERS_DIR,
                    process.env.OPSWALL_SOURCE_DIR && path.join(process.env.OPSWALL_SOURCE_DIR, 'tests', 'peers'),
                    __dirname].filter(Boolean).map((p) => path.resolve(p));
const peers = candidates.find((p) => fs.existsSync(path.join(p, 'node_modules', 'pjlink')));
if (!peers) {
  console.log(`SKIP: npm pjlink 0.2.8 is not installed in any of ${candidates.join(', ')}`);
  process.exit(77);
}
const modulePath = path.join(peers, 'node_modules', 'pjlink');
const PJLink = require(modulePath);
const simPath = process.argv[2];
const password = 'JBMIAProjectorLink';
let failures = 0;
const check = (cond, what) => {
  console.log(`${cond ? 'PASS' : 'FAIL'} ${what}`);
  if (!cond) failures++;
};
const call = (client, method, ...args) =>
  new Promise((resolve) => client[method](...args, (err, value) => resolve({ err, value })));

const guard = setTimeout(() => {
  console.log('FAIL: the peer test took longer than 20 s');
  process.exit(1);
}, 20000);

const sim = spawn(simPath, ['--protocol', 'pjlink', '--tcp', '0', '--password', password]);
sim.stderr.on('data', (d) => process.stderr.write(d));
let out = '';
sim.stdout.on('data', async (d) => {
  out += d.toString();
  const m = out.match(/ready tcp 127\.0\.0\.1:(\d+)/);
  if (!m || sim.started) return;
  sim.started = true;
  try {
    await run(Number(m[1]));
  } catch (e) {
    check(false, `exception: ${e && e.stack}`);
  }
  sim.kill('SIGTERM');
  clearTimeout(guard);
  console.log(failures ? `${failures} failure(s)` : 'all peer checks passed');
  process.exit(failures ? 1 : 0);
});
sim.on('exit', (code) => {
  if (!sim.started) {
    console.log(`FAIL: simulator exited early with ${code}`);
    process.exit(1);
  }
});

async function run(port) {
  const beamer = new PJLink('127.0.0.1', port, password);
  let r = await call(beamer, 'powerOn');
  check(!r.err, `powerOn with the right password (${r.err || 'ok'})`);
  r = await call(beamer, 'getPowerState');
  check(!r.err && r.value === PJLink.POWER.ON, `power state is ON (${JSON.stringify(r)})`);
  r = await call(beamer, 'setInput', { source: 'digital', channel: 2 });
  check(!r.err, `setInput digital 2 (${r.err || 'ok'})`);
  r = await call(beamer, 'getInput');
  check(!r.err && r.value && r.value.source === PJLink.INPUT.DIGITAL && r.value.channel === 2,
        `input reads back digital 2 (${JSON.stringify(r.value)})`);
  r = await call(beamer, 'setInput', { source: 'network', channel: 9 });
  check(!!r.err, `an input the display lacks is refused (ERR2: ${r.err})`);
  r = await call(beamer, 'getErrors');
  // The library reports "000000" as no error object at all.
  check(!r.err && (r.value == null || Object.values(r.value).every((v) => v === '0')),
        `ERST reports no errors (${JSON.stringify(r.value)})`);
  r = await call(beamer, 'getModel');
  check(!r.err && r.value === 'OPSWALL-SIM55', `model name (${JSON.stringify(r.value)})`);
  r = await call(beamer, 'getManufacturer');
  check(!r.err && r.value === 'OPSWALL', `manufacturer (${JSON.stringify(r.value)})`);
  r = await call(beamer, 'getLamps');
  check(!r.err && Array.isArray(r.value) && r.value.length === 1, `lamps (${JSON.stringify(r.value)})`);
  r = await call(beamer, 'powerOff');
  check(!r.err, 'powerOff');
  r = await call(beamer, 'getPowerState');
  check(!r.err && r.value === PJLink.POWER.OFF, `power state is OFF (${JSON.stringify(r)})`);
  beamer.disconnect();

  const intruder = new PJLink('127.0.0.1', port, 'wrong-password');
  r = await call(intruder, 'getPowerState');
  check(!!r.err, `a wrong password is refused (${r.err})`);
  intruder.disconnect();
}
