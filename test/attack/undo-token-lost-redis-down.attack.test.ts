import { rmSync } from "node:fs";
import { join } from "node:path";
import { CognitoAdmin } from "../../src/auth/cognito/cognito-admin";
import { loadConfig } from "../../src/config";
import type { TieredStore } from "../../src/db/tiered-store";
import { BeginPasskeyLoginDocument, CompletePasskeyLoginDocument, MeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { waitFor } from "../support/gateway-process";
import { dataOf, type GraphQLResponse } from "../support/graphql-client";
import { holdCallAfterAnswer } from "../support/held-call";
import { NoticeCapture } from "../support/notice-capture";
import { startPrivateRedis } from "../support/private-servers";
import { scratchDatabase } from "../support/records-db";
import { thiefMovesEmailAndAddsPasskey } from "../support/takeover";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

/**
 * ATTACK (operator's bad night + stolen token), the Redis side of undo-token-lost-mid-undo: Redis dies in the middle
 * of the owner's undo; the undo token — a lasting record, kept in PostgreSQL, which stays up — is lost with it.
 *
 * Severity: high (same outcome: no undo left, the take-back never ran, the thief's passkey signs in alone).
 *
 * Every lasting write first retires the Redis mirror's copies (`TieredStore.lastingWrite`); with Redis gone it is
 * refused. The undo has already taken its token (PostgreSQL) and moved the address back (Cognito); its next lasting
 * write (the reset-code void) is refused, and so is the put-back of the token (`restoreUndo` is a lasting write too).
 * Redis is killed here while Cognito's setEmail answers (held open, test/support/held-call) and restarted empty;
 * after the gateway verified the new Redis, the owner's retry with the same token is UNDO_INVALID.
 *
 * Should: docs/durable-tier.md — losing the ephemeral tier "signs people out (fail closed) and nothing else"; the
 * undo token must survive (the owner's retry completes the undo and the thief's passkey is taken back).
 */
jest.setTimeout(180_000);
const mail = new NoticeCapture();
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let db: Awaited<ReturnType<typeof scratchDatabase>>;
let gw: TestGateway;

beforeAll(async () => {
  redis = await startPrivateRedis();
  db = await scratchDatabase();
  const defaults = loadConfig({});
  gw = await startTestGateway({
    notifier: mail,
    answerFloorMs: 0,
    settings: {
      redisUrl: redis.url,
      redisKeyPrefix: "gw:",
      database: { url: db.url, schema: "gateway", statementTimeoutMs: 3000, generationCheckSeconds: 3600 },
      policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 },
    },
  });
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  await gw?.close();
  await redis?.stop();
  await db?.drop();
});

const answer = (r: GraphQLResponse<unknown>) => ({ status: r.status, code: r.errors?.[0]?.extensions?.["code"] ?? "ok", reason: r.errors?.[0]?.extensions?.["reason"] });

it("Redis killed mid-undo (PostgreSQL up): after Redis is back the owner's undo token still takes the account back", async () => {
  const owner = await enrolledUser(gw);
  const sub = dataOf(await gw.run(MeDocument, {}, { token: owner.accessToken })).me.sub;
  // The thief: phished code 1 moves the email, phished code 2 enrols a passkey that signs in alone.
  const { thiefsKey, undoToken } = await thiefMovesEmailAndAddsPasskey(gw, owner, mail);

  const hold = holdCallAfterAnswer(CognitoAdmin.prototype, "setEmail", sub);
  const undo = gw.run(UndoEmailChangeDocument, { token: undoToken });
  await hold.wasReached;
  await redis.kill();
  rmSync(join(redis.dir, "dump.rdb"), { force: true });
  hold.release();
  // ioredis may queue commands while Redis is away: bring Redis back if the undo has not answered within 10 s.
  const first = await Promise.race([undo, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000))]);
  console.log("undo with Redis killed mid-way:", first === undefined ? "still waiting after 10 s" : answer(first));
  await redis.start();
  await waitFor(() => (gw.store as TieredStore).isVerified, "the gateway checked the restarted store", 60_000);
  if (first === undefined) console.log("undo answered after Redis came back:", answer(await undo));

  let retry = answer(await gw.run(UndoEmailChangeDocument, { token: undoToken }));
  await waitFor(async () => {
    retry = answer(await gw.run(UndoEmailChangeDocument, { token: undoToken }));
    return retry.status !== 503;
  }, "the undo answering something other than 503", 90_000);

  const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, {})).beginPasskeyLogin;
  const thiefSignsIn = (await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: thiefsKey.assert(begun.options) })).data?.completePasskeyLogin?.tokens?.accessToken !== undefined;
  console.log("owner's retry after Redis is back:", retry, "thief's passkey signs in alone:", thiefSignsIn);
  expect({ retry, thiefSignsIn }).toEqual({ retry: { status: 200, code: "ok", reason: undefined }, thiefSignsIn: false });
});
