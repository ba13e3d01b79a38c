import { randomUUID } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { RequestEmailChangeDocument } from "../generated/graphql";
import { startWebhookReceiver } from "../support/emergency-rig";
import { dataOf, execute, type RequestOptions } from "../support/graphql-client";
import { processTestTimeoutMs, startGatewayProcess, waitFor, type GatewayProcess } from "../support/gateway-process";
import { startPrivatePostgres, startPrivateRedis } from "../support/private-servers";
import { privateProductionEnv } from "../support/production-env";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";

/**
 * The operator rotates NOTICE_WEBHOOK_SECRET the only way the settings allow: the mailer accepts both keys for
 * a while, and the gateway instances are rolled one by one onto the new one. Two instances share one Redis and
 * one PostgreSQL (one outbox). Outbox bodies are sealed under the secret of the instance that wrote them, and
 * any instance delivers any row: a row written by an instance still on the old secret and picked up by one on
 * the new secret (here: its first attempt got a 503, then the old instance was rolled) does not open there and
 * is dead-lettered as BODY_UNREADABLE, its body (the undo token) erased. The old address of an email change
 * made during the roll never hears of it. (docs/durable-tier.md says so for rows "waiting" at a rotation;
 * a rolling rotation makes that every row of the roll, in both directions, and there is no previous-key setting.)
 *
 * Fixed: NOTICE_WEBHOOK_PREVIOUS_SECRET (and ALERT_WEBHOOK_PREVIOUS_SECRET) name the secret being replaced during the
 * roll, and a row that does not open is retried like a refused delivery (for days), not dead-lettered at once, so an
 * instance still on the old secret can deliver it meanwhile.
 */
jest.setTimeout(processTestTimeoutMs);
/** One key prefix for both instances: they share one deployment. */
const runId = randomUUID();

type Notice = { type?: string; email?: string; undoToken?: string };
let mailerUp = false;
let mailer: Awaited<ReturnType<typeof startWebhookReceiver>>;
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
const gateways: GatewayProcess[] = [];

const startInstance = async (secret: string, previousSecret?: string) => {
  const gw = await startGatewayProcess(
    await privateProductionEnv(
      { redisUrl: redis.url, databaseUrl: pg.url, keyPrefix: `op-rotation-${runId}:` },
      { NOTICE_WEBHOOK_URL: mailer.url, NOTICE_WEBHOOK_SECRET: secret, ...(previousSecret !== undefined && { NOTICE_WEBHOOK_PREVIOUS_SECRET: previousSecret }) },
    ),
  );
  gateways.push(gw);
  return gw;
};

beforeAll(async () => {
  // The mailer (accepting both keys) is briefly busy with the email-change notice during the roll.
  mailer = await startWebhookReceiver({ answer: (body) => ((JSON.parse(body) as Notice).type === "EMAIL_CHANGED" && !mailerUp ? 503 : 204) });
  redis = await startPrivateRedis();
  pg = await startPrivatePostgres();
});
afterAll(async () => {
  for (const gw of gateways) await gw.stop();
  await pg?.stop();
  await redis?.stop();
  await mailer?.close();
});

it("an EMAIL_CHANGED notice written by an instance on the old secret reaches the old address after that instance is rolled", async () => {
  const oldSecret = `old-${"o".repeat(40)}`;
  const oldInstance = await startInstance(oldSecret);
  const client = { run: <R, V>(doc: TypedDocumentNode<R, V> | string, variables?: V, options?: RequestOptions) => execute(oldInstance.url, doc, variables, options) };
  const user = await enrolledUser(client);
  const toOldAddress = () => mailer.received.map((d) => ({ status: d.status, body: JSON.parse(d.body) as Notice })).filter((d) => d.body.type === "EMAIL_CHANGED" && d.body.email === user.email);

  dataOf(await client.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(user.secret) }, { token: user.accessToken }));
  await waitFor(() => toOldAddress().length >= 1, "the first attempt (refused: the mailer is busy)", 30_000);
  // The rolling deploy replaces the old instance with one on the new secret; the mailer is free again.
  await oldInstance.stop();
  // The documented roll: the new instances name the secret being replaced until the roll is done.
  const newInstance = await startInstance(`new-${"n".repeat(40)}`, oldSecret);
  mailerUp = true;

  const givenUp = () => newInstance.output().split("\n").filter((l) => l.includes("outbox message undeliverable") && l.includes('"kind":"EMAIL_CHANGED"'));
  await waitFor(() => toOldAddress().some((d) => d.status === 204) || givenUp().length > 0, "the notice delivered (or given up)", 60_000);
  expect(givenUp()).toEqual([]);
  expect(toOldAddress().find((d) => d.status === 204)?.body.undoToken).toBeTruthy();
});
