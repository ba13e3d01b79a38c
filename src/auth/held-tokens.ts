import { LRUCache } from "lru-cache";
import { TokenRejection, tokenRejected } from "../errors/error-codes";
import { epochSeconds, type Clock } from "../shared/clock";
import { randomHandle, sha256 } from "../shared/digest";
import { sealRecord, unsealRecord } from "../shared/sealed-record";
import type { StateStore } from "../store/state-store";
import type { ProviderTokens } from "./identity-provider";
import { decodeIssuedAccessToken } from "./token-claims";

/**
 * Gateway-held provider tokens (the backend-for-frontend pattern, for bearer clients): a client receives an
 * opaque handle (256 random bits, base64url, 43 characters, no dots) for the access token and one for the
 * refresh token; the provider's tokens stay in the state store, sealed under a key derived from the handle
 * and keyed by its digest. The provider's public API (UpdateUserAttributes, AssociateSoftwareToken,
 * REFRESH_TOKEN_AUTH…) accepts no handle, so a stolen one works only through the gateway, where every
 * sensitive change asks for a fresh factor. Whether the session is live is still decided per request by the
 * session registry and the access policy, never by the handle's record.
 */
export type ClientTokensMode = "gateway" | "provider";

/** The tokens as they leave for the client; `expiresIn` is the access handle's true remaining life. */
export type ClientTokens = { accessToken: string; idToken: string; refreshToken: string | null; expiresIn: number; tokenType: string };

export type HeldTokensDeps = {
  store: Pick<StateStore, "get" | "set" | "delete">;
  clock: Clock;
  /** How long a refresh handle is kept: the session's longest life (the refresh token never outlives it here). */
  sessionMaxAgeSeconds: number;
  /** Access handles resolved in this process, remembered until their token expires; 0 = always ask the store. */
  cacheEntries: number;
  /** `provider` (deprecated): the provider's own tokens go to clients, as before handles existed. */
  mode?: ClientTokensMode | undefined;
};

type Kind = "access" | "refresh";

const handleShape = /^[A-Za-z0-9_-]{43}$/;
const purposeOf = (kind: Kind) => `authgw held ${kind} token v1`;
const keyOf = (kind: Kind, handle: string) => `held-${kind}:${sha256(handle)}`;

/**
 * A handle past its token's expiry is still found for this long, so the answer is TOKEN_EXPIRED (refresh and
 * retry) rather than TOKEN_INVALID (sign in again) for a client that comes back late (a laptop waking up). The
 * token behind it is refused all the same; the cost is a few small sealed records per active session.
 */
const expiredGraceSeconds = 3600;

/** The provider's access token behind a handle, with its sha256 (what the verified-token cache is keyed by). */
export type HeldAccess = { token: string; digest: string; exp: number };

/** Whether a bearer value is a gateway handle (a JWT always has dots). */
export const isTokenHandle = (value: string): boolean => handleShape.test(value);

export class HeldTokens {
  private readonly cache: LRUCache<string, HeldAccess> | undefined;

  constructor(private readonly deps: HeldTokensDeps) {
    this.cache = deps.cacheEntries > 0 ? new LRUCache({ max: deps.cacheEntries }) : undefined;
  }

  get mode(): ClientTokensMode {
    return this.deps.mode ?? "gateway";
  }

  /** What the client receives for the provider's tokens: handles (gateway mode), or the tokens themselves. */
  async hold(tokens: ProviderTokens): Promise<ClientTokens> {
    const handedOut = { idToken: tokens.idToken, tokenType: tokens.tokenType };
    if (this.mode === "provider") return { ...handedOut, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null, expiresIn: tokens.expiresIn };
    const { exp } = decodeIssuedAccessToken(tokens.accessToken);
    const lifeSeconds = Math.max(1, exp - epochSeconds(this.deps.clock));
    // What the client is told errs early: whole seconds left, less one for the answer's trip.
    const expiresIn = Math.max(1, Math.min(tokens.expiresIn, Math.floor((exp * 1000 - this.deps.clock.now()) / 1000) - 1));
    const accessHandle = randomHandle();
    const refreshHandle = tokens.refreshToken === undefined ? undefined : randomHandle();
    await Promise.all([
      this.save("access", accessHandle, tokens.accessToken, lifeSeconds + expiredGraceSeconds),
      refreshHandle === undefined ? undefined : this.save("refresh", refreshHandle, tokens.refreshToken!, this.deps.sessionMaxAgeSeconds),
    ]);
    this.cache?.set(sha256(accessHandle), { token: tokens.accessToken, digest: sha256(tokens.accessToken), exp });
    // cognito-local reports 3600 s for 15-minute tokens: the handle's life is the token's, and it is told truly.
    return { ...handedOut, accessToken: accessHandle, refreshToken: refreshHandle ?? null, expiresIn };
  }

  /**
   * The provider's access token behind a handle: from this process's cache while the token lives, else one
   * store read. Unknown (guessed, mangled, a refresh handle, long expired) is TOKEN_INVALID; whether the
   * token still counts (expiry, the session) is for the verifier and the access policy to say.
   */
  async accessToken(handle: string): Promise<string> {
    return (await this.access(handle)).token;
  }

  /** As `accessToken`, with the token's digest computed once per token instead of once per request. */
  async access(handle: string): Promise<HeldAccess> {
    const key = sha256(handle);
    const cached = this.cache?.get(key);
    if (cached && cached.exp > epochSeconds(this.deps.clock)) return cached;
    const token = await this.open("access", handle);
    if (token === undefined) throw tokenRejected(TokenRejection.TOKEN_INVALID);
    const held = { token, digest: sha256(token), exp: decodeIssuedAccessToken(token).exp };
    this.cache?.set(key, held);
    return held;
  }

  /** The provider's refresh token behind a handle; undefined when the handle is unknown (or is an access handle). */
  refreshToken(handle: string): Promise<string | undefined> {
    return this.open("refresh", handle);
  }

  /** Forgets a refresh handle (logout): it resolves to nothing afterwards, on every instance. */
  async forgetRefresh(handle: string): Promise<void> {
    if (isTokenHandle(handle)) await this.deps.store.delete(keyOf("refresh", handle));
  }

  private async save(kind: Kind, handle: string, token: string, ttlSeconds: number): Promise<void> {
    await this.deps.store.set(keyOf(kind, handle), sealRecord(handle, purposeOf(kind), token), ttlSeconds);
  }

  private async open(kind: Kind, handle: string): Promise<string | undefined> {
    if (!isTokenHandle(handle)) return undefined;
    const sealed = await this.deps.store.get(keyOf(kind, handle));
    return sealed === undefined ? undefined : unsealRecord(handle, purposeOf(kind), sealed);
  }
}
