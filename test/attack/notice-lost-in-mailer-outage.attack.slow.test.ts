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
 * The operator's bad night: the product's mailer (NOTICE_WEBHOOK_URL) is being redeployed and answers 503 for
 * about a minute. Owner notices go through the PostgreSQL outbox, which promises they are never lost; but a
 * notice is retried only after 1 s, 5 s and 30 s, then dead-lettered and its body (the undo token, the
 * address) erased. An EMAIL_CHANGED notice written during a one-minute mailer outage never reaches the old
 * address: the owner never learns of the change and never gets the only undo token — and nobody can resend it.
 * (A thief who moved the address needs only to do it while the mailer is down.)
 */
jest.setTimeout(processTestTimeoutMs);

type Notice = { type?: string; email?: string; undoToken?: string };
let mailer: Awaited<ReturnType<typeof startWebhookReceiver>>;
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
let gw: GatewayProcess;

beforeAll(async () => {
  mailer = await startWebhookReceiver();
  mailer.answerWith(503);
  redis = await startPrivateRedis();
  pg = await startPrivatePostgres();
  gw = await startGatewayProcess(await privateProductionEnv({ redisUrl: redis.url, databaseUrl: pg.url, keyPrefix: `op-${randomUUID()}:` }, { NOTICE_WEBHOOK_URL: mailer.url }));
});
afterAll(async () => {
  await gw?.stop();
  await pg?.stop();
  await redis?.stop();
  await mailer?.close();
});

const client = { run: <R, V>(doc: TypedDocumentNode<R, V> | string, variables?: V, options?: RequestOptions) => execute(gw.url, doc, variables, options) };

it("an EMAIL_CHANGED notice written while the mailer is down for a minute reaches the old address once the mailer is back", async () => {
  const user = await enrolledUser(client);
  dataOf(await client.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: await freshCode(user.secret) }, { token: user.accessToken }));
  const toOldAddress = () => mailer.received.map((d) => ({ status: d.status, body: JSON.parse(d.body) as Notice })).filter((d) => d.body.type === "EMAIL_CHANGED" && d.body.email === user.email);

  // The mailer refuses the first attempt and the retries after 1 s, 5 s and 30 s (under a minute in all), then is back.
  await waitFor(() => toOldAddress().length >= 4, "four refused attempts", 120_000);
  mailer.answerWith(204);

  // The mailer is back: the notice (with its undo token) must still reach the old address.
  await waitFor(() => toOldAddress().some((d) => d.status === 204), "the EMAIL_CHANGED notice is delivered after the outage", 60_000);
  expect(toOldAddress().find((d) => d.status === 204)?.body.undoToken).toBeTruthy();
});
