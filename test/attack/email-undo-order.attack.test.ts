import { BeginPasskeyRegistrationDocument, CompletePasskeyRegistrationDocument, ConfirmEmailChangeDocument, LoginDocument, RequestEmailChangeDocument, UndoEmailChangeDocument } from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import type { GatewaySettings } from "../../src/app";
import { enrolledUser, freshCode, loginWithMfa, PASSWORD, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";
import { scratchDatabase } from "../support/records-db";
import { randomUUID } from "node:crypto";
import Redis from "ioredis";

/**
 * Two email changes, A → B → C: A holds the undo token of the first, B the token of the second. Whoever
 * made them (a thief with two fresh factors, here played with the owner's own codes), the owner's undo
 * with A's token must be final: B's token, still in B's inbox, must not take the recovery channel back.
 */
const mail = new NoticeCapture();
let gw: TestGateway;
let db: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
let redisPrefix: string | undefined;
afterEach(async () => {
  await gw.close();
  await db?.drop();
  db = undefined;
  if (redisPrefix) await dropRedisPrefix(redisPrefix);
  redisPrefix = undefined;
});

/** The shared Redis keeps nothing of this run. */
const dropRedisPrefix = async (prefix: string) => {
  const redis = new Redis("redis://127.0.0.1:6379");
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
};

const change = async (token: string, secret: string, newEmail: string) => {
  dataOf(await gw.run(RequestEmailChangeDocument, { newEmail, code: await freshCode(secret) }, { token }));
  dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token }));
};

/** A → B (the thief's first inbox) → C: the owner's undo token went to A, the later one to B. */
const changedTwice = async (owner: { email: string; accessToken: string; secret: string }) => {
  const thiefFirst = uniqueEmail();
  await change(owner.accessToken, owner.secret, thiefFirst);
  await change(owner.accessToken, owner.secret, uniqueEmail());
  return { thiefFirst, ownersToken: mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!, thiefsToken: mail.to(thiefFirst, "EMAIL_CHANGED")[0]!.undoToken! };
};

/** The undo records are lasting: the same attacks with them in PostgreSQL (the durable tier) and in memory. */
const tiers: [string, () => Promise<Partial<GatewaySettings>>][] = [
  ["memory", async () => ({})],
  [
    "PostgreSQL",
    async () => {
      db = await scratchDatabase();
      redisPrefix = `authgw-test:${randomUUID()}:`;
      return { redisUrl: "redis://127.0.0.1:6379", redisKeyPrefix: redisPrefix, database: { url: db.url, schema: "gateway", statementTimeoutMs: 10_000, generationCheckSeconds: 3600 } };
    },
  ],
];

describe.each(tiers)("ATTACK: the undo token of a later email change, after the owner undid an earlier one (%s)", (_tier, settingsOf) => {
  beforeEach(async () => {
    gw = await startTestGateway({ notifier: mail, settings: await settingsOf() });
  });

  it("is refused, and the owner's address stays", async () => {
    const owner = await enrolledUser(gw);
    const { thiefFirst, ownersToken, thiefsToken } = await changedTwice(owner);

    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: ownersToken })).undoEmailChange).toBe(true);
    expect(errorOf(await gw.run(UndoEmailChangeDocument, { token: thiefsToken })).extensions).toMatchObject({ code: "CODE_EXPIRED", reason: "UNDO_INVALID" });
    expect((await loginWithMfa(gw, owner)).tokens?.accessToken).toBeTruthy();
    expect(errorOf(await gw.run(LoginDocument, { email: thiefFirst, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
  });

  it("after the owner's undo, the intermediate inbox no longer hears of the account", async () => {
    const owner = await enrolledUser(gw);
    const { thiefFirst, ownersToken } = await changedTwice(owner);
    dataOf(await gw.run(UndoEmailChangeDocument, { token: ownersToken }));

    const token = (await loginWithMfa(gw, owner)).tokens!.accessToken;
    const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(owner.secret) }, { token })).beginPasskeyRegistration;
    dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: new SoftAuthenticator({ origin: "http://localhost:4000" }).register(options), nickname: "Phone" }, { token }));
    await gw.notifier.settled();
    expect(mail.to(owner.email, "PASSKEY_ADDED")).toHaveLength(1);
    expect(mail.to(thiefFirst, "PASSKEY_ADDED")).toEqual([]);
  });

  it("still lets the owner undo after the thief spent the later token first", async () => {
    const owner = await enrolledUser(gw);
    const { ownersToken, thiefsToken } = await changedTwice(owner);

    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: thiefsToken })).undoEmailChange).toBe(true);
    expect(dataOf(await gw.run(UndoEmailChangeDocument, { token: ownersToken })).undoEmailChange).toBe(true);
    expect((await loginWithMfa(gw, owner)).tokens?.accessToken).toBeTruthy();
  });

  it("of one token sent ten times at once, exactly one undo happens", async () => {
    const owner = await enrolledUser(gw);
    await change(owner.accessToken, owner.secret, uniqueEmail());
    const token = mail.to(owner.email, "EMAIL_CHANGED")[0]!.undoToken!;
    const answers = await Promise.all(Array.from({ length: 10 }, () => gw.run(UndoEmailChangeDocument, { token })));
    expect(answers.filter((a) => a.data?.undoEmailChange === true)).toHaveLength(1);
    expect(answers.filter((a) => a.errors?.[0]?.extensions?.["reason"] === "UNDO_INVALID")).toHaveLength(9);
  });

  it("the owner's token and the later one at once: the owner's address is what stays", async () => {
    const owner = await enrolledUser(gw);
    const { thiefFirst, ownersToken, thiefsToken } = await changedTwice(owner);
    const [owners, thiefs] = await Promise.all([gw.run(UndoEmailChangeDocument, { token: ownersToken }), gw.run(UndoEmailChangeDocument, { token: thiefsToken })]);
    // One undo of an account at a time: the one that finds the other under way is told to try again.
    if (owners.errors) {
      expect(owners.errors[0]?.extensions.code).toBe("SERVICE_UNAVAILABLE");
      dataOf(await gw.run(UndoEmailChangeDocument, { token: ownersToken }));
    }
    // Whatever the thief's token did, trying it again after the owner's undo changes nothing.
    if (thiefs.errors?.[0]?.extensions.code === "SERVICE_UNAVAILABLE") expect(errorOf(await gw.run(UndoEmailChangeDocument, { token: thiefsToken })).extensions).toMatchObject({ reason: "UNDO_INVALID" });
    expect((await loginWithMfa(gw, owner)).tokens?.accessToken).toBeTruthy();
    expect(errorOf(await gw.run(LoginDocument, { email: thiefFirst, password: PASSWORD })).extensions.code).toBe("INVALID_CREDENTIALS");
  });
});
