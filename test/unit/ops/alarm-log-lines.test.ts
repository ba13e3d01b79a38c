import { Writable } from "node:stream";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { GatewayMetrics } from "../../../src/ops/metrics";
import { createLogger } from "../../../src/shared/logger";
import { alarmingLogEvents } from "../../../deploy/aws/lib/observability";

/** A real pino logger writing JSON lines into memory: what CloudWatch Logs would receive from the container. */
const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger("info", stream) };
};

const record = (event: string): AuditRecord =>
  ({ event, outcome: "FAILURE", subject: "sub-123", time: new Date(0).toISOString(), requestId: "req-1", ip: "203.0.113.9", userAgent: "ua", reason: "HTTP_500" }) as AuditRecord;

const flushed = () => new Promise((resolve) => setImmediate(resolve));

// The CDK app's metric filters match `{ $.event = "<name>" }` on these lines (deploy/aws/lib/observability.ts).
describe("log lines the AWS alarms read", () => {
  it("an audit write that fails logs AUDIT_WRITE_FAILED, without the record's contents", async () => {
    const { lines, logger } = capture();
    const sink = new GatewayMetrics(logger).countingSink({ write: () => Promise.reject(new Error("disk full")) });
    await expect(sink.write(record("LOGIN"))).rejects.toThrow("disk full");
    await flushed();
    const line = lines.find((l) => l["event"] === alarmingLogEvents.AuditWriteFailures);
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).not.toMatch(/sub-123|203\.0\.113\.9|disk full/);
  });

  it.each([alarmingLogEvents.EmergencyAlertDeadLetters, alarmingLogEvents.SecurityNoticeDeadLetters])("a %s the audit trail recorded is also a log line", async (event) => {
    const { lines, logger } = capture();
    const sink = new GatewayMetrics(logger).countingSink({ write: () => Promise.resolve() });
    await sink.write(record(event));
    await flushed();
    expect(lines.filter((l) => l["event"] === event)).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toMatch(/sub-123|203\.0\.113\.9/);
  });

  it("ordinary audit records write no extra line", async () => {
    const { lines, logger } = capture();
    const sink = new GatewayMetrics(logger).countingSink({ write: () => Promise.resolve() });
    await sink.write(record("LOGIN"));
    await flushed();
    expect(lines).toEqual([]);
  });
});
