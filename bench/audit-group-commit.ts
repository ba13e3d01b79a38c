import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import type { AuditRecord } from "../src/audit/audit-event";
import { openPostgresSink } from "../src/audit/postgres/open-postgres";
import type { AuditDatabaseSettings } from "../src/config";
import { systemClock } from "../src/shared/clock";

/**
 * What group commit buys the PostgreSQL audit sink: one sink (one instance's stream), N operations writing at
 * once, each awaiting its own record as a login does. Records that wait while a batch commits go together in
 * the next INSERT and share its commit (BatchQueue), so throughput grows with N while each write still waits
 * for a durable commit. `node dist-bench/bench/audit-group-commit.js` (synchronous_commit=on, as production).
 */
const url = process.env["AUDIT_BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const seconds = Number(process.env["BENCH_SECONDS"] ?? 3);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;
const record = (n: number): AuditRecord => ({ time: new Date().toISOString(), requestId: `bench-${n}`, ip: "127.0.0.1", userAgent: "bench", event: "LOGIN", outcome: "CHALLENGE", reason: "SOFTWARE_TOKEN_MFA", subject: "00000000-0000-4000-8000-000000000000" });

const main = async () => {
  const schema = `audit_group_${randomBytes(4).toString("hex")}`;
  const db: AuditDatabaseSettings = { url, schema, writeTimeoutMs: 3000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 };
  const sink = await openPostgresSink(db, systemClock);
  const admin = new Pool({ connectionString: url, max: 1 });
  const lines: string[] = [];
  try {
    for (let i = 0; i < 100; i++) await sink.write(record(i));
    for (const writers of [1, 2, 4, 8, 16, 32]) {
      const times: number[] = [];
      const until = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; performance.now() < until; i++) {
            const t = performance.now();
            await sink.write(record(w * 1_000_000 + i));
            times.push(performance.now() - t);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      lines.push(`| ${writers} | ${Math.round(times.length / elapsed)} | ${percentile(times, 0.5).toFixed(2)} | ${percentile(times, 0.99).toFixed(2)} |`);
    }
    process.stdout.write(`| writers at once | records/s | p50 ms | p99 ms |\n|---|---|---|---|\n${lines.join("\n")}\n`);
  } finally {
    await sink.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
