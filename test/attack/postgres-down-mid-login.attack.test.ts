import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { LoginDocument, MeDocument, RequestEmailChangeDocument, RespondToMfaDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { loadConfig } from "../../src/config";
import { dataOf, type GraphQLResponse } from "../support/graphql-client";
import { waitFor } from "../support/gateway-process";
import { NoticeCapture } from "../support/notice-capture";
import { startPrivatePostgres } from "../support/private-servers";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail, type EnrolledUser } from "../support/users";

/**
 * Issue 28: PostgreSQL faults never crash the process and answer 503. Here PostgreSQL (a private cluster)
 * dies between the password step and the code step of a login, and while an owner sends the undo of an
 * email change: each answers SERVICE_UNAVAILABLE with HTTP 503 (never 500, never a crash of this process),
 * nothing is half done, and after the restart the login and the undo token work.
 */
jest.setTimeout(120_000);
const mail = new NoticeCapture();
const redisPrefix = `authgw-test:${randomUUID()}:`;
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let gw: TestGateway;
let user: EnrolledUser;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const defaults = loadConfig({});
  gw = await startTestGateway({
    notifier: mail,
    settings: {
      redisUrl: "redis://127.0.0.1:6379",
      redisKeyPrefix: redisPrefix,
      database: { url: pg.url, schema: "gateway", statementTimeoutMs: 3000, generationCheckSeconds: 3600 },
      policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 },
    },
  });
  user = await enrolledUser(gw);
});
afterAll(async () => {
  await gw?.close();
  await pg?.stop();
  const redis = new Redis("redis://127.0.0.1:6379");
  const keys = await redis.keys(`${redisPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const unavailable = (r: GraphQLResponse<unknown>) => ({ status: r.status, code: r.errors?.[0]?.extensions?.["code"] });

it("PostgreSQL down between the password and the code, and during an undo: 503 each, then both work after the restart", async () => {
  dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(user.secret) }, { token: user.accessToken }));
  const undoToken = mail.to(user.email, "EMAIL_CHANGED")[0]!.undoToken!;
  const session = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;

  await pg.kill();
  expect(unavailable(await gw.run(RespondToMfaDocument, { session, code: await freshCode(user.secret) }))).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE" });
  expect(unavailable(await gw.run(UndoEmailChangeDocument, { token: undoToken }))).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE" });

  await pg.start();
  await waitFor(async () => (await gw.run(MeDocument, {}, { token: user.accessToken })).errors === undefined, "PostgreSQL back", 60_000);
  expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: undoToken })).undoEmailChange).toBe(true);
  const again = dataOf(await gw.run(LoginDocument, { email: user.email, password: PASSWORD })).login.challenge!.session;
  expect(dataOf(await gw.run(RespondToMfaDocument, { session: again, code: await freshCode(user.secret) })).respondToMfa.tokens?.accessToken).toBeTruthy();
});
