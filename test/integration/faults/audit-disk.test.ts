import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HashChainedFileSink } from "../../../src/audit/audit-log";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { verifyChain } from "../../../src/audit/hash-chain";
import { verifyLogSet } from "../../../src/audit/verify-log-files";
import { LoginDocument, MeDocument } from "../../generated/graphql";
import { mountLoopExt4, mountTmpfs } from "../../support/disk-faults";
import { waitFor } from "../../support/gateway-process";
import { dataOf, errorOf } from "../../support/graphql-client";
import { startTestGateway } from "../../support/test-gateway";
import { enrolledUser, PASSWORD } from "../../support/users";

const record = (i: number): AuditRecord => ({ time: new Date(i).toISOString(), requestId: `req-${i}`, ip: null, userAgent: null, event: "LOGIN", outcome: "FAILURE", reason: "INVALID_CREDENTIALS" });
const setAsides = (dir: string) => readdirSync(dir).filter((name) => name.includes(".torn-"));

/** Issue 28 row 2: a frozen disk (fsfreeze on a loop-mounted ext4) under the audit file. */
describe("the audit file's disk frozen", () => {
  it("fails audited operations with 503 while /healthz, me, refusals and /readyz keep answering, and recovers after the thaw", async () => {
    const disk = mountLoopExt4();
    const trail = join(disk.mountPoint, "audit.jsonl");
    const gw = await startTestGateway({ auditSink: new HashChainedFileSink(trail, { writeTimeoutMs: 500 }) });
    try {
      const user = await enrolledUser(gw);
      disk.freeze();
      // Were the event loop blocked by the write, this test could not thaw the disk: a separate process would.
      const net = disk.thawLater(8000);
      try {
        const login = await gw.run(LoginDocument, { email: user.email, password: PASSWORD });
        expect(errorOf(login)).toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE", reason: "AUDIT_UNAVAILABLE" } });
        expect(login.status).toBe(503);
        expect((await fetch(gw.url.replace("/graphql", "/healthz"))).status).toBe(200);
        expect(dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.email).toBe(user.email);
        const garbage = await gw.run(MeDocument, {}, { token: "not-a-token" });
        expect([garbage.status, errorOf(garbage).extensions.code]).toEqual([401, "UNAUTHENTICATED"]);
        const ready = await fetch(gw.url.replace("/graphql", "/readyz"));
        expect([ready.status, ((await ready.json()) as { checks: Record<string, string> }).checks["auditSink"]]).toEqual([503, "unavailable"]);
        // Everything above answered while the disk was still frozen.
        expect(disk.thawIfFrozen()).toBe(true);
      } finally {
        net.child.kill();
        disk.thaw();
      }
      await waitFor(async () => (await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).status === 200, "logins work again after the thaw");
      expect(await verifyChain(trail)).toMatchObject({ ok: true });
    } finally {
      await gw.close();
      disk.unmount();
    }
  });
});

/** Issue 28 row 8: the audit file on a full tmpfs. */
describe("the audit file's disk full", () => {
  it("leaves no torn tail and no set-aside file however many writes fail", async () => {
    const disk = mountTmpfs("64k");
    try {
      const path = join(disk.mountPoint, "audit.jsonl");
      const sink = new HashChainedFileSink(path);
      let failures = 0;
      for (let i = 0; failures < 50; i += 1) await sink.write(record(i)).catch(() => (failures += 1));
      expect(setAsides(disk.mountPoint)).toEqual([]);
      expect(await verifyChain(path)).toMatchObject({ ok: true });
      await sink.close();
    } finally {
      disk.unmount();
    }
  });

  it("sets a torn tail aside once, only when its bytes can be kept, and records it", async () => {
    const disk = mountTmpfs("64k");
    try {
      const path = join(disk.mountPoint, "audit.jsonl");
      const first = new HashChainedFileSink(path);
      for (let i = 0; i < 3; i += 1) await first.write(record(i));
      await first.close();
      const fragment = '{"time":"1970-01-01T00:00:00.000Z","event":"LOG';
      appendFileSync(path, fragment);
      const filler = join(disk.mountPoint, "filler");
      try {
        for (;;) appendFileSync(filler, Buffer.alloc(4096));
      } catch {
        // The disk is full.
      }
      const sink = new HashChainedFileSink(path);
      for (let i = 0; i < 20; i += 1) await expect(sink.write(record(10 + i))).rejects.toBeDefined();
      expect(setAsides(disk.mountPoint)).toEqual([]);
      rmSync(filler);
      await sink.write(record(99));
      const aside = setAsides(disk.mountPoint);
      expect(aside.map((name) => readFileSync(join(disk.mountPoint, name), "utf8"))).toEqual([fragment]);
      expect(await verifyChain(path)).toEqual({ ok: true, records: 5, recovered: 1 });
      expect((await verifyLogSet(path)).problems).toEqual([]);
      await sink.close();
    } finally {
      disk.unmount();
    }
  });
});

/** Issue 28 row 11: a death between setting a torn tail aside and recording it. */
describe("a set-aside torn tail with no record of it", () => {
  it("is reported by verify", async () => {
    const disk = mountTmpfs("256k");
    try {
      const path = join(disk.mountPoint, "audit.jsonl");
      const sink = new HashChainedFileSink(path);
      for (let i = 0; i < 2; i += 1) await sink.write(record(i));
      await sink.close();
      // What the sink does first at start, then "dies" before its next write records it.
      writeFileSync(`${path}.torn-1`, '{"partial', { mode: 0o600 });
      expect((await verifyLogSet(path)).problems).toEqual([expect.objectContaining({ kind: "UNRECORDED_SET_ASIDE", file: "audit.jsonl.torn-1" })]);
    } finally {
      disk.unmount();
    }
  });
});
