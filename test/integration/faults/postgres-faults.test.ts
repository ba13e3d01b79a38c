import { LoginDocument, MeDocument } from "../../generated/graphql";
import { openPostgresSink } from "../../../src/audit/postgres/open-postgres";
import { loadConfig } from "../../../src/config";
import { systemClock } from "../../../src/shared/clock";
import { waitFor } from "../../support/gateway-process";
import { startPrivatePostgres } from "../../support/private-servers";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, uniqueEmail, type EnrolledUser } from "../../support/users";

/**
 * Issue 28 row 1: PostgreSQL killed and restarted, and pg_terminate_backend on busy connections, crashed the
 * gateway (an unhandled 'error' on a pooled client). On a PRIVATE cluster, under load, with the lasting records
 * and the audit trail both there: the gateway (in this process: a crash would end the test run) keeps answering,
 * only with data or SERVICE_UNAVAILABLE, and recovers by itself.
 */
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let gw: TestGateway;
let user: EnrolledUser;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const auditSink = await openPostgresSink({ url: pg.url, schema: "audit", writeTimeoutMs: 3000, synchronousCommit: "on", checkpointRecords: 1000, checkpointSeconds: 300, retentionDays: 2190 }, systemClock);
  const defaults = loadConfig({});
  gw = await startTestGateway({
    auditSink,
    settings: {
      database: { url: pg.url, schema: "gateway", statementTimeoutMs: 3000, generationCheckSeconds: 3600 },
      policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0, loginFailuresPerAddress: 1_000_000 },
    },
  });
  user = await enrolledUser(gw);
});
afterAll(async () => {
  await gw.close();
  await pg.stop();
});

/** "OK", "REFUSED", "SERVICE_UNAVAILABLE", or the unexpected code (with its status). */
type Outcome = string;

/**
 * Signed-in reads (flags and locks from PostgreSQL, through their mirror in Redis) and failed logins (audited
 * in PostgreSQL), until stopped. `logins` keeps the logins' outcomes apart: a read may still be answered from
 * the mirror while PostgreSQL is down (its copies are as current as PostgreSQL, which takes no write then).
 */
const load = () => {
  const outcomes: Outcome[] = [];
  const logins: Outcome[] = [];
  let running = true;
  const worker = async (n: number) => {
    while (running) {
      const response = n % 2 ? await gw.run(MeDocument, {}, { token: user.accessToken }) : await gw.run(LoginDocument, { email: uniqueEmail(), password: "Wrong-Passw0rd-!!" });
      const code = response.errors?.[0]?.extensions.code;
      const outcome = code === undefined ? "OK" : code === "INVALID_CREDENTIALS" ? "REFUSED" : code === "SERVICE_UNAVAILABLE" ? (response.status === 503 ? code : `${code}/${response.status}`) : code;
      outcomes.push(outcome);
      if (n % 2 === 0) logins.push(outcome);
    }
  };
  const workers = Array.from({ length: 6 }, (_, n) => worker(n));
  return { outcomes, logins, stop: async () => ((running = false), await Promise.all(workers)) };
};

const meWorks = async () => (await gw.run(MeDocument, {}, { token: user.accessToken })).errors === undefined;

it("pg_terminate_backend under load, then the cluster killed and restarted: answers throughout, recovers by itself", async () => {
  const traffic = load();
  await waitFor(() => traffic.outcomes.length > 50, "some traffic");

  const terminated = await pg.query("SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name LIKE 'gateway:%' OR application_name LIKE 'audit:%'");
  expect(terminated.length).toBeGreaterThan(0);
  const afterTerminate = traffic.outcomes.length;
  await waitFor(async () => traffic.outcomes.length > afterTerminate + 50 && (await meWorks()), "recovery after pg_terminate_backend", 30_000);

  await pg.kill();
  await waitFor(() => traffic.logins.slice(-20).filter((o) => o === "SERVICE_UNAVAILABLE").length === 20, "503s for audited logins while PostgreSQL is down", 30_000);
  expect((await fetch(`${gw.url.replace(/\/graphql$/, "")}/healthz`)).status).toBe(200);

  await pg.start();
  await waitFor(meWorks, "recovery after the restart", 60_000);
  const afterRestart = traffic.outcomes.length;
  await waitFor(() => traffic.outcomes.length > afterRestart + 50, "traffic after the restart");
  await traffic.stop();

  const unexpected = traffic.outcomes.filter((o) => !["OK", "REFUSED", "SERVICE_UNAVAILABLE"].includes(o));
  expect(unexpected).toEqual([]);
  expect(traffic.outcomes.slice(-10).every((o) => o === "OK" || o === "REFUSED")).toBe(true);
});
