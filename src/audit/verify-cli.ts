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
    process.stdout.write(`ok: ${report.records} records, chain intact\n`);
    return 0;
  }
  process.stdout.write(`BROKEN at record ${report.brokenAt} of ${report.records}: ${report.reason}\n`);
  return 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cannot read the audit log: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
