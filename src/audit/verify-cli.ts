import { verifyChain } from "./hash-chain";

/** `npm run audit:verify -- <file>`: exit 0 when the whole chain holds, 1 with the first broken record. */
const main = async (): Promise<number> => {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write("usage: npm run audit:verify -- <audit log file>\n");
    return 2;
  }
  const report = await verifyChain(path);
  if (report.ok) {
    const recovered = report.recovered > 0 ? ` (${report.recovered} torn tail(s) from crashes set aside and recorded)` : "";
    process.stdout.write(`ok: ${report.records} records, chain intact${recovered}\n`);
    return 0;
  }
  if (report.kind === "TRUNCATED") {
    process.stdout.write(`TRUNCATED: ${report.records} complete records, chain intact, then a partial record of ${report.tailBytes} bytes (a crash or a full disk mid-write; the sink sets it aside at its next start)\n`);
    return 3;
  }
  process.stdout.write(`BROKEN (altered) at record ${report.brokenAt} of ${report.records}: ${report.reason}\n`);
  return 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cannot read the audit log: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
