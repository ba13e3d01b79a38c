import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySink, AuditLog } from "../../../src/audit/audit-log";
import { Outbox, sealOutboxBody } from "../../../src/db/outbox";
import { createDatabasePool } from "../../../src/db/pool";
import { silentLogger } from "../../../src/shared/logger";
import { systemClock } from "../../../src/shared/clock";
import { startWebhookReceiver, webhookSecret } from "../../support/emergency-rig";
import { freePort, processTestTimeoutMs, startGatewayProcess, waitFor, type GatewayProcess } from "../../support/gateway-process";
import { signAlert } from "../../../src/auth/emergency/emergency-alerts";
import { recordsDb, scratchDatabase, type RecordsDb } from "../../support/records-db";

/**
 * Issue 28 row 4: alerts and owner notices go through a PostgreSQL outbox. A message is retried with backoff and
 * jitter and dead-lettered after the limit; an instance that stops (SIGTERM) mid-delivery does not wait for it,
 * and the message is delivered after the restart — never lost.
 */
describe("the outbox", () => {
  let db: RecordsDb;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeEach(async () => {
    db = await recordsDb();
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await db.drop();
  });

  const outboxWith = (audit: MemorySink, dead: string[], delays: readonly number[]) =>
    new Outbox({
      pool: db.pool,
      schema: db.schema,
      targets: { alert: { url: receiver.url, secret: webhookSecret }, notice: { url: receiver.url, secret: webhookSecret } },
      retryDelaysMs: { alert: delays, notice: delays },
      audit: new AuditLog({ sink: audit, clock: systemClock }),
      logger: silentLogger,
      deadLettered: (channel) => void dead.push(channel),
      random: () => 0.5,
    });

  it("retries a failed delivery after a jittered backoff, then dead-letters it with the audit record and metric", async () => {
    const audit = new MemorySink();
    const dead: string[] = [];
    const outbox = outboxWith(audit, dead, [0, 0]);
    receiver.answerWith(500);
    const id = await outbox.enqueue({ channel: "notice", kind: "RECOVERY_CODE_USED", subject: "sub-1", body: JSON.stringify({ type: "RECOVERY_CODE_USED" }) });
    await waitFor(async () => (await outbox.deliverDue()) === 0 && dead.length === 1, "three attempts, then the dead letter");
    expect(receiver.received.map((r) => r.headers["x-gateway-alert-id"])).toEqual([id, id, id]);
    expect(audit.records.filter((r) => r.event === "SECURITY_NOTICE_DEAD_LETTER")).toEqual([expect.objectContaining({ outcome: "FAILURE", reason: "HTTP_500", subject: "sub-1", target: "RECOVERY_CODE_USED" })]);
    const [row] = (await db.pool.query(`SELECT attempts, body, dead_at FROM "${db.schema}".outbox WHERE id = $1`, [id])).rows as { attempts: number; body: string | null; dead_at: Date | null }[];
    expect(row).toMatchObject({ attempts: 3, body: null });
    expect(row?.dead_at).toBeInstanceOf(Date);
  });

  it("waits the jittered backoff before a retry (half the base, plus up to the other half)", async () => {
    const outbox = outboxWith(new MemorySink(), [], [60_000]);
    receiver.answerWith(503);
    const id = await outbox.enqueue({ channel: "alert", kind: "EMERGENCY_ACCESS_GRANTED", subject: "sub-2", grantId: "g-1", body: "{}" });
    await waitFor(() => receiver.received.length === 1, "the first attempt");
    await waitFor(async () => {
      const { rows } = await db.pool.query<{ wait: number; failure: string | null }>(`SELECT extract(epoch FROM next_attempt_at - now())::float8 AS wait, last_failure AS failure FROM "${db.schema}".outbox WHERE id = $1`, [id]);
      return rows[0]?.failure === "HTTP_503" && rows[0].wait > 40 && rows[0].wait <= 45;
    }, "the retry scheduled 45 s out (random 0.5 of 30-60 s)");
    expect(await outbox.deliverDue()).toBe(0);
  });
});

/** A webhook receiver that holds the first delivery unanswered (it is in flight) and answers 204 afterwards. */
const holdingReceiver = async () => {
  const deliveries: { id: string; signature: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      deliveries.push({ id: String(req.headers["x-gateway-alert-id"]), signature: String(req.headers["x-gateway-signature"]), body: Buffer.concat(chunks).toString("utf8") });
      if (deliveries.length > 1) res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    deliveries,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
};

describe("SIGTERM during an alert's delivery (the built gateway)", () => {
  it(
    "exits without waiting for it; after the restart the alert is delivered, with the same delivery id",
    async () => {
      const db = await scratchDatabase();
      const receiver = await holdingReceiver();
      const dir = mkdtempSync(join(tmpdir(), "outbox-sigterm-"));
      const env = async () => ({
        PORT: String(await freePort()),
        LOCAL_COGNITO_PORT: String(await freePort()),
        LOCAL_COGNITO_DIR: dir,
        AUDIT_LOG_FILE: join(dir, "audit.jsonl"),
        DATABASE_URL: db.url,
        ALERT_WEBHOOK_URL: receiver.url,
        ALERT_WEBHOOK_SECRET: webhookSecret,
        LOG_LEVEL: "info",
        PLAYGROUND: "off",
      });
      const gateways: GatewayProcess[] = [];
      try {
        const first = await startGatewayProcess(await env());
        gateways.push(first);
        // The row a grant step writes, body sealed as the outbox seals it (the in-process tests cover the grant -> outbox path).
        const id = randomUUID();
        const body = JSON.stringify({ type: "EMERGENCY_ACCESS_GRANTED", alertId: id, grantId: "g-sigterm" });
        const pool = createDatabasePool({ url: db.url, statementTimeoutMs: 5000 }, "outbox-test", undefined, 1);
        await pool.query(`INSERT INTO gateway.outbox (id, channel, kind, subject, grant_id, body) VALUES ($1, 'alert', 'EMERGENCY_ACCESS_GRANTED', 'sub-x', 'g-sigterm', $2)`, [id, sealOutboxBody(webhookSecret, id, body)]);
        await waitFor(() => receiver.deliveries.length === 1, "the first delivery is in flight", 30_000);

        first.child.kill("SIGTERM");
        expect(await first.exited).toBe(0);
        // Drain did not wait for the delivery: it was still unanswered when the process exited.
        expect(receiver.deliveries).toHaveLength(1);
        const pending = await pool.query<{ delivered_at: Date | null; attempts: number }>("SELECT delivered_at, attempts FROM gateway.outbox WHERE id = $1", [id]);
        expect(pending.rows[0]).toMatchObject({ delivered_at: null, attempts: 1 });

        gateways.push(await startGatewayProcess(await env()));
        await waitFor(async () => (await pool.query("SELECT 1 FROM gateway.outbox WHERE id = $1 AND delivered_at IS NOT NULL AND body IS NULL", [id])).rowCount === 1, "the alert delivered after the restart", 60_000);
        expect(receiver.deliveries.map((d) => d.id)).toEqual([id, id]);
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(receiver.deliveries[1]!.signature) ?? [];
        expect(v1).toBe(signAlert(webhookSecret, Number(t), body));
        await pool.end();
      } finally {
        for (const gateway of gateways) await gateway.stop();
        rmSync(dir, { recursive: true, force: true });
        await receiver.close();
        await db.drop();
      }
    },
    processTestTimeoutMs,
  );
});
