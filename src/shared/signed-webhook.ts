import { createHmac } from "node:crypto";
import type { Clock } from "./clock";

/** Signed webhooks (emergency alerts, owner notices) sent in-process (dev without PostgreSQL) are retried after these delays, then dead-lettered. */
export const webhookRetryDelaysMs: readonly number[] = [1000, 5000, 30_000];

/**
 * With PostgreSQL, owner notices wait in the outbox (db/outbox.ts), where a wait costs nothing: retried for at
 * least 7 days (an undo token's life; each wait is jittered down to half its base, so the hourly tail has a 2 h
 * base) before they are dead-lettered, so that a mailer redeployed, or down for a night, still gets every notice.
 * Emergency alerts keep the short schedule: a failed break-glass alert must reach its dead-letter record and alarm at once.
 */
export const noticeOutboxRetryDelaysMs: readonly number[] = [1000, 5000, 30_000, 60_000, 300_000, 900_000, 1_800_000, ...Array.from({ length: 24 * 7 }, () => 7_200_000)];

/** Where signed notices go: a receiver checks the HMAC with the same shared secret. */
export type WebhookTarget = {
  url: string;
  secret: string;
  /** During a rotation, the secret being replaced: outbox rows sealed under it still open (sent signed with `secret`). */
  previousSecret?: string | undefined;
};

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed too, so old deliveries can be refused. */
export const signatureHeader = "x-gateway-signature";
/** The same on every retry of one delivery, so a receiver can drop duplicates. */
export const deliveryIdHeader = "x-gateway-alert-id";

export const signBody = (secret: string, timestamp: number, body: string): string => createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export type DeliveryOptions = { retryDelaysMs: readonly number[]; clock: Pick<Clock, "now">; sleep?: (ms: number) => Promise<void>; timeoutMs?: number };

/**
 * POSTs a JSON body, signed, retrying after each of `retryDelaysMs`. Resolves undefined once a 2xx answer
 * came, or the last failure (`HTTP_<status>` or `UNREACHABLE`) when every attempt failed; never rejects.
 */
export const postSigned = async (target: WebhookTarget, deliveryId: string, body: string, options: DeliveryOptions): Promise<string | undefined> => {
  let failure = "UNREACHABLE";
  for (let attempt = 0; attempt <= options.retryDelaysMs.length; attempt++) {
    if (attempt > 0) await (options.sleep ?? pause)(options.retryDelaysMs[attempt - 1] ?? 0);
    const timestamp = Math.floor(options.clock.now() / 1000);
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", [deliveryIdHeader]: deliveryId, [signatureHeader]: `t=${timestamp},v1=${signBody(target.secret, timestamp, body)}` },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return undefined;
      failure = `HTTP_${response.status}`;
    } catch {
      failure = "UNREACHABLE";
    }
  }
  return failure;
};

/** Deliveries still under way (they run after the request answered); `settled` waits for them (shutdown, tests). */
export class PendingDeliveries {
  private readonly pending = new Set<Promise<void>>();

  track(delivery: Promise<void>): void {
    const tracked = delivery.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
