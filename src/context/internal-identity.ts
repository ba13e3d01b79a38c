import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Identity } from "../auth/identity";
import type { Clock } from "../shared/clock";

/** Header on which the supergraph hands its verified identity to the internal auth subgraph. */
export const internalIdentityHeader = "x-gateway-identity";

/** How long a sealed value is accepted: one hop on loopback, inside one request. */
const maxAgeMs = 10_000;

type Sealed = { at: number; kind: "identity"; identity: Identity } | { at: number; kind: "address"; address: string };

/**
 * In gateway mode the supergraph has already verified the token and read the session and account state
 * (one store round trip), and knows the client's address; the internal auth subgraph, in the same process,
 * takes both from it instead of doing it again. Each is sealed with an HMAC under a key that never leaves
 * the process and carries its time and kind, so nothing else on the machine (any process can reach the
 * loopback listener) can forge one, replay one for long, or pass an address off as an identity.
 */
export class InternalIdentityChannel {
  private readonly key = randomBytes(32);

  constructor(private readonly clock: Clock) {}

  private mac(body: string): Buffer {
    return createHmac("sha256", this.key).update(body).digest();
  }

  private sealValue(value: Sealed): string {
    const body = Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${body}.${this.mac(body).toString("base64url")}`;
  }

  private openValue(value: string): Sealed | undefined {
    const [body, mac] = value.split(".");
    if (!body || !mac) return undefined;
    const given = Buffer.from(mac, "base64url");
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    // eslint-disable-next-line no-restricted-syntax -- not a stored record: the MAC under this process's own key proves this process sealed it moments ago.
    const sealed = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Sealed;
    return this.clock.now() - sealed.at <= maxAgeMs ? sealed : undefined;
  }

  seal(identity: Identity): string {
    return this.sealValue({ at: this.clock.now(), kind: "identity", identity });
  }

  /** The identity, or undefined when the value is not one this process sealed recently. */
  open(value: string): Identity | undefined {
    const sealed = this.openValue(value);
    return sealed?.kind === "identity" ? sealed.identity : undefined;
  }

  sealAddress(address: string): string {
    return this.sealValue({ at: this.clock.now(), kind: "address", address });
  }

  /** The client's address the supergraph saw, or undefined when the value is not one this process sealed recently. */
  openAddress(value: string): string | undefined {
    const sealed = this.openValue(value);
    return sealed?.kind === "address" ? sealed.address : undefined;
  }
}
