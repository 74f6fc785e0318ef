// The real @elgato-stream-deck/tcp client (7.3.2, the library Bitfocus Companion uses) against
// our simulated Stream Deck Studio (opswall-streamdeck-sim), in Cora and in legacy framing:
// it connects (keepalive answered), reads the model and the serial, sees key presses, sets the
// brightness, fills a key with a colour and with a picture (JPEG), and reconnects when the
// device drops every connection as a restarting device does.
//   node streamdeck_peer_check.js SIM_PATH cora|legacy
// Exit 0 when everything was seen, 1 otherwise, 77 when the package is missing.
const path = require("path");
const {spawn} = require("child_process");
let tcp;
try {
    tcp = require(path.join(process.env.PEERS_DIR || __dirname, "node_modules",
                            "@elgato-stream-deck", "tcp"));
} catch (e) {
    console.log("SKIP @elgato-stream-deck/tcp is not installed: " + e.message);
    process.exit(77);
}

const [simPath, framing] = process.argv.slice(2);
const args = ["--port", "0", "--serial", "OWPEER42"];
if (framing === "legacy")
    args.push("--legacy");
const sim = spawn(simPath, args, {stdio: ["pipe", "pipe", "inherit"]});
const simLines = [];
const waiters = [];
let buffered = "";
sim.stdout.on("data", (d) => {
    buffered += d.toString();
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        simLines.push(line);
        for (const w of waiters.slice())
            if (w.re.test(line)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve(line);
            }
    }
});

function simLine(re, ms = 8000) {
    const seen = simLines.find((l) => re.test(l));
    if (seen)
        return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
        const w = {re, resolve};
        waiters.push(w);
        setTimeout(() => reject(new Error("the simulator never printed " + re)), ms);
    });
}

function fail(why) {
    console.error("FAIL " + why);
    console.error("simulator said:\n  " + simLines.join("\n  "));
    sim.kill();
    process.exit(1);
}
setTimeout(() => fail("not done within 40 s"), 40000);

(async () => {
    const ready = await simLine(/^ready tcp /);
    const port = Number(ready.split(":").pop());
    const manager = new tcp.StreamDeckTcpConnectionManager({autoConnectToSecondaries: false});
    let connections = 0;
    let deck = null;
    let onConnected = null;
    manager.on("connected", (d) => {
        connections++;
        deck = d;
        if (onConnected)
            onConnected(d);
    });
    manager.on("error", (e) => console.log("client error: " + e));
    const connected = () => new Promise((resolve) => {
        if (deck && connections > 0 && onConnected === null && deck.__seen !== connections)
            return resolve(deck);
        onConnected = (d) => {
            onConnected = null;
            resolve(d);
        };
    });
    manager.connectTo("127.0.0.1", port);
    deck = await connected();
    deck.__seen = connections;
    console.log("connected model=" + deck.MODEL + " framing=" + framing);
    if (deck.MODEL !== "studio")
        fail("model " + deck.MODEL + ", expected studio");
    const serial = await deck.getSerialNumber();
    if (serial !== "OWPEER42")
        fail("serial " + serial);
    console.log("serial " + serial);
    await simLine(/^connected 1$/);

    const events = [];
    deck.on("down", (c) => events.push("down " + c.index));
    deck.on("up", (c) => events.push("up " + c.index));
    sim.stdin.write("tap 5\n");
    const t0 = Date.now();
    while (events.length < 2 && Date.now() - t0 < 5000)
        await new Promise((r) => setTimeout(r, 20));
    if (events.join(",") !== "down 5,up 5")
        fail("key events: " + events.join(","));
    console.log("keys " + events.join(","));

    await deck.setBrightness(42);
    await simLine(/^brightness 42$/);
    await deck.fillKeyColor(3, 255, 0, 0);
    await simLine(/^fill 3 ff0000$/);
    const rgb = Buffer.alloc(144 * 112 * 3);
    for (let i = 0; i < rgb.length; i += 3)
        rgb[i + 2] = 200;
    await deck.fillKeyBuffer(4, rgb, {format: "rgb"});
    const image = await simLine(/^image 4 \d+ /);
    if (!/ jpeg$/.test(image))
        fail("the picture is not a whole JPEG: " + image);
    console.log(image);

    // The device restarts: every connection dropped; the client must come back by itself.
    sim.stdin.write("drop\n");
    await simLine(/^closed 1$|^accepted 2$/, 10000);
    await simLine(/^connected 2$/, 15000);
    console.log("reconnected");
    await manager.disconnectFromAll();
    sim.kill();
    console.log("OK " + framing);
    process.exit(0);
})().catch((e) => fail(e.message));
