// A tablet made of the npm `osc` package (2.4.5): connects to the wall's OSC listener over UDP or
// TCP (npm osc frames TCP with SLIP, OSC 1.1), recalls a preset, and waits for the wall's
// feedback /opswall/preset/active <id>. Prints one line per message received; exit 0 when the
// feedback names the preset, 1 on a timeout or an error, 77 when the package is missing.
//   node osc_tablet.js udp|tcp PORT PRESET_ID
const path = require("path");
let osc;
try {
    osc = require(path.join(process.env.PEERS_DIR || __dirname, "node_modules", "osc"));
} catch (e) {
    console.log("SKIP npm osc is not installed: " + e.message);
    process.exit(77);
}

const [mode, portText, presetText] = process.argv.slice(2);
const port = Number(portText);
const preset = Number(presetText);
if (!["udp", "tcp"].includes(mode) || !(port > 0) || !(preset > 0)) {
    console.error("usage: osc_tablet.js udp|tcp PORT PRESET_ID");
    process.exit(2);
}

const tablet = mode === "udp"
    ? new osc.UDPPort({localAddress: "127.0.0.1", localPort: 0, remoteAddress: "127.0.0.1",
                       remotePort: port, metadata: true})
    : new osc.TCPSocketPort({address: "127.0.0.1", port: port, metadata: true});

const timer = setTimeout(() => {
    console.error("TIMEOUT no /opswall/preset/active " + preset + " within 10 s");
    process.exit(1);
}, 10000);

tablet.on("message", (m) => {
    const args = m.args.map((a) => a.type + ":" + a.value).join(" ");
    console.log("RECV " + m.address + " " + args);
    if (m.address === "/opswall/preset/active" && m.args.length === 1 && m.args[0].type === "i" &&
        m.args[0].value === preset) {
        clearTimeout(timer);
        console.log("OK feedback active " + preset);
        tablet.close();
        process.exit(0);
    }
});
tablet.on("error", (e) => {
    console.error("ERROR " + e.message);
    process.exit(1);
});
tablet.on("ready", () => {
    tablet.send({address: "/opswall/preset/recall", args: [{type: "i", value: preset}]});
    console.log("SENT /opswall/preset/recall i:" + preset + " over " + mode);
});
tablet.open();
