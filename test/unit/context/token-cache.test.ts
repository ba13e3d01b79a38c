import type { AccessClaims } from "../../../src/auth/token-claims";
import { withTokenCache } from "../../../src/context/token-cache";
import type { AccessTokenVerifier } from "../../../src/context/token-verifier";
import { tokenRejected, TokenRejection } from "../../../src/errors/error-codes";
import { sha256 } from "../../../src/shared/digest";
import { FakeClock } from "../../fakes/fake-clock";

const claims = (exp: number): AccessClaims => ({ sub: "s", jti: "j", originJti: undefined, exp, clientId: "c", groups: [], scopes: [] });

const fakeVerifier = (clock: FakeClock) => {
  const calls: string[] = [];
  const verifier: AccessTokenVerifier = {
    hydrated: true,
    hydrate: async () => {},
    verify: async (token) => {
      calls.push(token);
      if (token === "bad") throw tokenRejected(TokenRejection.TOKEN_INVALID);
      return claims(Math.floor(clock.now() / 1000) + 60);
    },
  };
  return { verifier, calls };
};

describe("the verified-token cache", () => {
  it("a digest handed in (a held token's, computed once) is the same key as the token's own", async () => {
    const clock = new FakeClock();
    const { verifier, calls } = fakeVerifier(clock);
    const cached = withTokenCache(verifier, { maxEntries: 10, clock });
    await cached.verify("token-a");
    await cached.verify("token-a", sha256("token-a"));
    expect(calls).toEqual(["token-a"]);
    // A token first seen with its digest is found again without it.
    await cached.verify("token-b", sha256("token-b"));
    await cached.verify("token-b");
    expect(calls).toEqual(["token-a", "token-b"]);
    expect(cached.stats).toEqual({ hits: 2, misses: 2 });
  });

  it("verifies a token once, then answers from the cache", async () => {
    const clock = new FakeClock();
    const { verifier, calls } = fakeVerifier(clock);
    const cached = withTokenCache(verifier, { maxEntries: 10, clock });
    for (let i = 0; i < 5; i++) await cached.verify("token-a");
    expect(calls).toEqual(["token-a"]);
    expect(cached.stats).toEqual({ hits: 4, misses: 1 });
  });

  it("never serves an entry past the token's expiry", async () => {
    const clock = new FakeClock();
    const { verifier, calls } = fakeVerifier(clock);
    const cached = withTokenCache(verifier, { maxEntries: 10, clock });
    await cached.verify("token-a");
    clock.advanceSeconds(60);
    await cached.verify("token-a");
    expect(calls).toEqual(["token-a", "token-a"]);
  });

  it("does not cache failures", async () => {
    const clock = new FakeClock();
    const { verifier, calls } = fakeVerifier(clock);
    const cached = withTokenCache(verifier, { maxEntries: 10, clock });
    await expect(cached.verify("bad")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(cached.verify("bad")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(calls).toEqual(["bad", "bad"]);
  });

  it("stays within its bound (least recently used goes first)", async () => {
    const clock = new FakeClock();
    const { verifier, calls } = fakeVerifier(clock);
    const cached = withTokenCache(verifier, { maxEntries: 2, clock });
    for (const token of ["a", "b", "a", "c", "a", "b"]) await cached.verify(token);
    expect(calls).toEqual(["a", "b", "c", "b"]);
  });

  it("is off with 0 entries", async () => {
    const clock = new FakeClock();
    const { verifier, calls } = fakeVerifier(clock);
    const cached = withTokenCache(verifier, { maxEntries: 0, clock });
    await cached.verify("a");
    await cached.verify("a");
    expect(calls).toHaveLength(2);
  });
});
