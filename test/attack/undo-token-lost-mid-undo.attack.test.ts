import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { CognitoAdmin } from "../../src/auth/cognito/cognito-admin";
import { loadConfig } from "../../src/config";
import { BeginPasskeyLoginDocument, CompletePasskeyLoginDocument, MeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { waitFor } from "../support/gateway-process";
import { dataOf, type GraphQLResponse } from "../support/graphql-client";
import { holdCallAfterAnswer } from "../support/held-call";
import { NoticeCapture } from "../support/notice-capture";
import { startPrivatePostgres } from "../support/private-servers";
import { thiefMovesEmailAndAddsPasskey } from "../support/takeover";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

/**
 * ATTACK (operator's bad night + stolen token): PostgreSQL dies in the middle of the owner's undo; the undo token is
 * lost, the take-back never ran, and the thief's passkey still signs in alone.
 *
 * Severity: high (the owner's only way back is gone and the thief keeps a passkey that signs in alone and proves
 * every further change; needs a PostgreSQL failure — restart, failover, crash — inside the undo's few hundred ms).
 *
 * The undo takes the token (a PostgreSQL delete), ends the sessions, moves the address back at Cognito, then writes
 * the reset-code void, then takes back what was set since the change (passkeys, recovery codes, a reset password).
 * When anything fails it puts the token back (`restoreUndo`) — with PostgreSQL, the very thing that just failed, so
 * the put-back fails too and the token is gone. Here PostgreSQL (a private cluster) is killed while Cognito's
 * setEmail answers (held open after it answered, test/support/held-call): the undo answers 503; after PostgreSQL is
 * back (and the undo's 30 s lock row expired) the owner's retry with the same token is UNDO_INVALID, and the passkey
 * the thief enrolled after moving the email is still there and signs in alone (the address is back, the take-back
 * never ran; the thief then moves the address again, with the passkey as step-up, and there is no undo left).
 *
 * Should: fail closed in a way that can be finished — the token stays spendable (taken only when the undo is done, or
 * restored where the failed write cannot take it away), so the owner's retry after the restart completes the undo;
 * postgres-down-mid-login.attack.test.ts promises "nothing is half done, and after the restart ... the undo token
 * work[s]".
 */
jest.setTimeout(180_000);
const mail = new NoticeCapture();
const redisPrefix = `authgw-test:${randomUUID()}:`;
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let gw: TestGateway;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const defaults = loadConfig({});
  gw = await startTestGateway({
    notifier: mail,
    answerFloorMs: 0,
    settings: {
      redisUrl: "redis://127.0.0.1:6379",
      redisKeyPrefix: redisPrefix,
      database: { url: pg.url, schema: "gateway", statementTimeoutMs: 3000, generationCheckSeconds: 3600 },
      policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 },
    },
  });
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  await gw?.close();
  await pg?.stop();
  const redis = new Redis("redis://127.0.0.1:6379");
  const keys = await redis.keys(`${redisPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const answer = (r: GraphQLResponse<unknown>) => ({ status: r.status, code: r.errors?.[0]?.extensions?.["code"] ?? "ok", reason: r.errors?.[0]?.extensions?.["reason"] });

it("PostgreSQL killed mid-undo: after the restart the owner's undo token still takes the account back", async () => {
  const owner = await enrolledUser(gw);
  const sub = dataOf(await gw.run(MeDocument, {}, { token: owner.accessToken })).me.sub;
  // The thief: phished code 1 moves the email, phished code 2 enrols a passkey that signs in alone.
  const { thiefsKey, undoToken } = await thiefMovesEmailAndAddsPasskey(gw, owner, mail);

  // The owner's undo; PostgreSQL dies while Cognito moves the address back.
  const hold = holdCallAfterAnswer(CognitoAdmin.prototype, "setEmail", sub);
  const undo = gw.run(UndoEmailChangeDocument, { token: undoToken });
  await hold.wasReached;
  await pg.kill();
  hold.release();
  const first = answer(await undo);
  console.log("undo with PostgreSQL killed mid-way:", first);
  expect(first).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });

  await pg.start();
  // Retry as the owner would, until the gateway stops answering 503 (PostgreSQL back, the undo's lock row expired).
  let retry = answer(await gw.run(UndoEmailChangeDocument, { token: undoToken }));
  await waitFor(async () => {
    retry = answer(await gw.run(UndoEmailChangeDocument, { token: undoToken }));
    return retry.status !== 503;
  }, "the undo answering something other than 503", 90_000);

  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
  const thiefSignsIn = (await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: thiefsKey.assert(begun.options) })).data?.completePasskeyLogin?.tokens?.accessToken !== undefined;
  console.log("owner's retry after the restart:", retry, "thief's passkey signs in alone:", thiefSignsIn);
  expect({ retry, thiefSignsIn }).toEqual({ retry: { status: 200, code: "ok", reason: undefined }, thiefSignsIn: false });
});
