import { randomBytes } from "node:crypto";
import { HeldTokens, isTokenHandle } from "../../../src/auth/held-tokens";
import type { ProviderTokens } from "../../../src/auth/identity-provider";
import { MemoryStore } from "../../../src/store/memory-store";
import { FakeClock } from "../../fakes/fake-clock";
import { unsigned } from "../../support/jwt";

/** A provider access token expiring `lifeSeconds` from the clock's now (only its claims are read here). */
const providerTokens = (clock: FakeClock, lifeSeconds = 900, refresh: string | null = `refresh-${randomBytes(8).toString("hex")}`): ProviderTokens => {
  const now = Math.floor(clock.now() / 1000);
  const payload = { sub: "sub-1", client_id: "client", token_use: "access", scope: "aws.cognito.signin.user.admin", jti: randomBytes(8).toString("hex"), iat: now, exp: now + lifeSeconds };
  return { accessToken: `${unsigned({ header: {}, payload })}c2ln`, idToken: "id.token.here", refreshToken: refresh ?? undefined, expiresIn: 3600, tokenType: "Bearer" };
};

/** The store with its reads counted: the per-request cost this file is about. */
const setup = (cacheEntries = 100, mode?: "gateway" | "provider") => {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const reads = { count: 0 };
  const get = store.get.bind(store);
  store.get = (key: string) => {
    reads.count++;
    return get(key);
  };
  return { clock, store, reads, held: new HeldTokens({ store, clock, sessionMaxAgeSeconds: 3600, cacheEntries, mode }) };
};

describe("held tokens", () => {
  it("hands out two distinct 43-character handles, and the access handle's true life as expiresIn", async () => {
    const { clock, held } = setup();
    const tokens = providerTokens(clock, 900);
    const out = await held.hold(tokens);
    expect(out.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(out.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(out.accessToken).not.toBe(out.refreshToken);
    expect(isTokenHandle(out.accessToken) && !isTokenHandle(tokens.accessToken)).toBe(true);
    // Whole seconds left, less one for the trip: a client adding it to its own clock never passes the token's exp.
    expect(out).toMatchObject({ idToken: tokens.idToken, tokenType: "Bearer" });
    expect(out.expiresIn).toBeGreaterThanOrEqual(898);
    expect(out.expiresIn).toBeLessThanOrEqual(899);
  });

  it("opens a handle from the process cache with no store read, and from the store on another instance", async () => {
    const { clock, store, reads, held } = setup();
    const tokens = providerTokens(clock);
    const out = await held.hold(tokens);
    reads.count = 0;
    expect(await held.accessToken(out.accessToken)).toBe(tokens.accessToken);
    expect(reads.count).toBe(0);
    const other = new HeldTokens({ store, clock, sessionMaxAgeSeconds: 3600, cacheEntries: 100 });
    expect(await other.accessToken(out.accessToken)).toBe(tokens.accessToken);
    expect(reads.count).toBe(1);
    expect(await other.accessToken(out.accessToken)).toBe(tokens.accessToken);
    expect(reads.count).toBe(1);
    expect(await other.refreshToken(out.refreshToken!)).toBe(tokens.refreshToken);
  });

  it("refuses unknown handles and the roles swapped", async () => {
    const { clock, held } = setup();
    const out = await held.hold(providerTokens(clock));
    await expect(held.accessToken(randomBytes(32).toString("base64url"))).rejects.toMatchObject({ code: "UNAUTHENTICATED", extensions: { reason: "TOKEN_INVALID" } });
    await expect(held.accessToken(out.refreshToken!)).rejects.toMatchObject({ extensions: { reason: "TOKEN_INVALID" } });
    expect(await held.refreshToken(out.accessToken)).toBeUndefined();
    expect(await held.refreshToken("not a handle")).toBeUndefined();
  });

  it("past its token's expiry still opens for a grace (the verifier then says TOKEN_EXPIRED), then is gone", async () => {
    const { clock, held } = setup();
    const tokens = providerTokens(clock, 60);
    const out = await held.hold(tokens);
    clock.advanceSeconds(3600);
    expect(await held.accessToken(out.accessToken)).toBe(tokens.accessToken);
    clock.advanceSeconds(120);
    await expect(held.accessToken(out.accessToken)).rejects.toMatchObject({ extensions: { reason: "TOKEN_INVALID" } });
  });

  it("forgets a refresh handle on logout", async () => {
    const { clock, held } = setup();
    const out = await held.hold(providerTokens(clock));
    await held.forgetRefresh(out.refreshToken!);
    expect(await held.refreshToken(out.refreshToken!)).toBeUndefined();
  });

  it("without a refresh token hands out none; with the cache off every open reads the store", async () => {
    const { clock, reads, held } = setup(0);
    const out = await held.hold(providerTokens(clock, 900, null));
    expect(out.refreshToken).toBeNull();
    reads.count = 0;
    await held.accessToken(out.accessToken);
    await held.accessToken(out.accessToken);
    expect(reads.count).toBe(2);
  });

  it("in provider mode (deprecated) hands the provider's tokens out unchanged", async () => {
    const { clock, store, held } = setup(100, "provider");
    const tokens = providerTokens(clock);
    const set = jest.spyOn(store, "set");
    expect(await held.hold(tokens)).toEqual({ ...tokens, refreshToken: tokens.refreshToken });
    expect(set).not.toHaveBeenCalled();
  });
});
