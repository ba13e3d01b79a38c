import { unsupportedNodeMessage } from "./supported-node";

// Checked before the gateway (and with it every native addon) is loaded: `require`, not `import`, so
// nothing else is evaluated first.
const refusal = unsupportedNodeMessage(process.version);
if (refusal !== undefined) {
  process.stderr.write(`${refusal}\n`);
  process.exit(1);
}
require("./start");
