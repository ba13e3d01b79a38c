import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { verifyLogSet } from "./verify-log-files";
import { resolveChainKey } from "./postgres/chain-key";
import { createAuditPool } from "./postgres/open-postgres";
import { verifyPostgres, type Anchor } from "./postgres/verify-postgres";

const usage = `usage: npm run audit:verify -- [file|directory] [--anchor stream:seq:hash ...] [--unkeyed]
  file       a JSON Lines audit log (with its rotated files and set-aside tails beside it);
             a directory: every log in it; without it: AUDIT_DATABASE_URL if set, else AUDIT_LOG_FILE
  --anchor   a checkpoint kept outside the database (repeatable); it must match the chain
  --unkeyed  PostgreSQL without AUDIT_CHAIN_KEY: hash chains only (a stream forged by anyone who can
             insert, the gateway's role included, then passes); otherwise the key is required
exit: 0 intact, 1 altered or forged (or a rotated file missing or cut short), 3 only a torn tail or an
      unrecorded set-aside, 2 usage, unreadable or no key
`;

const parseAnchor = (text: string): Anchor => {
  const match = /^(.+):(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new Error(`not an anchor (stream:seq:hash): ${text.slice(0, 100)}`);
  return { stream: match[1] as string, seq: Number(match[2]), hash: match[3] as string, kind: "EXTERNAL" };
};

/** A file's own chain (its line when alone; one line per file with its rotations), then the set's problems. */
const verifyFile = async (path: string): Promise<number> => {
  const { files, problems } = await verifyLogSet(path);
  let code = 0;
  for (const { file, report } of files) {
    const name = files.length > 1 ? `${file}: ` : "";
    if (report.ok) {
      const recovered = report.recovered > 0 ? ` (${report.recovered} torn tail(s) from crashes set aside and recorded)` : "";
      process.stdout.write(`${name}ok: ${report.records} records, chain intact${recovered}\n`);
    } else if (report.kind === "TRUNCATED") {
      process.stdout.write(`${name}TRUNCATED: ${report.records} complete records, chain intact, then a partial record of ${report.tailBytes} bytes (a crash or a full disk mid-write; the sink sets it aside at its next start)\n`);
      code = Math.max(code, 3);
    } else {
      process.stdout.write(`${name}BROKEN (altered) at record ${report.brokenAt} of ${report.records}: ${report.reason}\n`);
      code = 1;
    }
  }
  for (const problem of problems) {
    process.stdout.write(`${problem.kind} ${problem.file}: ${problem.reason}\n`);
    code = code === 1 ? 1 : problem.kind === "UNRECORDED_SET_ASIDE" ? Math.max(code, 3) : 1;
  }
  return code;
};

const verifyDatabase = async (anchors: Anchor[], unkeyed: boolean): Promise<number> => {
  const settings = loadConfig().auditDatabase;
  if (!settings) throw new Error("AUDIT_DATABASE_URL is not set");
  const chainKey = resolveChainKey(settings, { create: false });
  if (chainKey === undefined && !unkeyed) {
    process.stderr.write("AUDIT_CHAIN_KEY is required to verify the PostgreSQL trail (it refuses streams the key did not seal); --unkeyed checks the hash chains only.\n");
    return 2;
  }
  if (chainKey === undefined) process.stdout.write("WARNING: no AUDIT_CHAIN_KEY: hash chains only; a stream forged by anyone who can insert would pass\n");
  const pool = createAuditPool({ ...settings, writeTimeoutMs: 600_000 }, "audit:verify", 1);
  try {
    const report = await verifyPostgres(pool, settings.schema, anchors, { chainKey });
    for (const s of report.streams) {
      process.stdout.write(`stream ${s.stream}: ${s.records} records, last seq ${s.lastSeq}, anchored up to ${s.anchoredSeq}\n`);
    }
    for (const p of report.problems) {
      process.stdout.write(`${p.kind === "TRUNCATED" ? "TRUNCATED" : "BROKEN"} stream ${p.stream} at seq ${p.seq}: ${p.reason}\n`);
    }
    if (report.ok) process.stdout.write(`ok: ${report.records} records in ${report.streams.length} streams, every chain intact\n`);
    return report.ok ? 0 : report.problems.some((p) => p.kind === "ALTERED") ? 1 : 3;
  } finally {
    await pool.end();
  }
};

/** `npm run audit:verify`: either sink, every stream; names the first broken record of each. */
const main = async (): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { anchor: { type: "string", multiple: true }, unkeyed: { type: "boolean" }, help: { type: "boolean" } } });
  } catch {
    process.stderr.write(usage);
    return 2;
  }
  if (parsed.values.help || parsed.positionals.length > 1) {
    process.stderr.write(usage);
    return parsed.values.help ? 0 : 2;
  }
  const anchors = (parsed.values.anchor ?? []).map(parseAnchor);
  const file = parsed.positionals[0];
  if (file !== undefined) return verifyFile(file);
  const config = loadConfig();
  return config.auditDatabase ? verifyDatabase(anchors, parsed.values.unkeyed === true) : verifyFile(config.auditLogFile);
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cannot verify the audit log: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
