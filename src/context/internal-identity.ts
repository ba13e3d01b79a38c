import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Identity } from "../auth/identity";
import type { Clock } from "../shared/clock";

/** Header on which the supergraph hands its verified identity to the internal auth subgraph. */
export const internalIdentityHeader = "x-gateway-identity";

/** How long a sealed identity is accepted: one hop on loopback, inside one request. */
const maxAgeMs = 10_000;

/**
 * In gateway mode the supergraph has already verified the token and read the session and account state
 * (one store round trip); the internal auth subgraph, in the same process, takes that identity instead of
 * doing it all again. It is sealed with an HMAC under a key that never leaves the process and carries its
 * time, so nothing else on the machine can forge or replay one for long.
 */
export class InternalIdentityChannel {
  private readonly key = randomBytes(32);

  constructor(private readonly clock: Clock) {}

  private mac(body: string): Buffer {
    return createHmac("sha256", this.key).update(body).digest();
  }

  seal(identity: Identity): string {
    const body = Buffer.from(JSON.stringify({ at: this.clock.now(), identity })).toString("base64url");
    return `${body}.${this.mac(body).toString("base64url")}`;
  }

  /** The identity, or undefined when the value is not one this process sealed recently. */
  open(value: string): Identity | undefined {
    const [body, mac] = value.split(".");
    if (!body || !mac) return undefined;
    const given = Buffer.from(mac, "base64url");
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const { at, identity } = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { at: number; identity: Identity };
    return this.clock.now() - at <= maxAgeMs ? identity : undefined;
  }
}
