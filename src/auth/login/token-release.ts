import type { RequestMeta } from "../../audit/audit-event";
import type { Audited } from "../../audit/audited";
import type { IdleTimeout } from "../../policy/idle-timeout";
import type { Lockout } from "../../policy/lockout";
import type { PasswordRotation } from "../../policy/password-rotation";
import type { EpochMark, SecurityEpoch } from "../../policy/security-epoch";
import type { StateStore } from "../../store/state-store";
import { saveAccount } from "../account-records";
import { internalError, tokensOf, type AuthOutcome } from "../auth-outcome";
import type { IdentityProvider, ProviderTokens } from "../identity-provider";
import type { SessionRegistry } from "../session-registry";
import { decodeIssuedAccessToken } from "../token-claims";

/** Kept where they always were: callers outside login/ import them from here. */
export { internalError, tokensOf };

export type TokenReleaseDeps = {
  idp: Pick<IdentityProvider, "getProfile">;
  store: Pick<StateStore, "get" | "set">;
  sessions: Pick<SessionRegistry, "open" | "end">;
  idle: Pick<IdleTimeout, "start">;
  lockout: Pick<Lockout, "succeeded">;
  rotation: Pick<PasswordRotation, "startIfUnknown">;
  epoch: Pick<SecurityEpoch, "assertCurrent">;
  sessionMaxAgeSeconds: number;
};

export type Released = Audited<AuthOutcome> & { sessionId?: string; sub: string };

/**
 * Opens the session once the login machine decided tokens may leave (both factors proven, the access policy
 * asked, nothing owed): the account record, the password clock, the session and its idle timer. Only the
 * machine calls it.
 */
export class TokenRelease {
  constructor(private readonly deps: TokenReleaseDeps) {}

  async open(tokens: ProviderTokens, mark: EpochMark, meta: RequestMeta): Promise<Released & { sessionId: string }> {
    const { idp, store, sessions, idle, lockout, rotation, epoch } = this.deps;
    const claims = decodeIssuedAccessToken(tokens.accessToken);
    const profile = await idp.getProfile(tokens.accessToken);
    if (!profile.mfaEnabled) throw internalError("tokens reached the end of a login without TOTP enabled");
    await saveAccount(store, profile, claims.groups, this.deps.sessionMaxAgeSeconds);
    await Promise.all([lockout.succeeded(profile.email), rotation.startIfUnknown(claims.sub)]);
    const sessionId = await sessions.open(claims, tokens.refreshToken, meta);
    await idle.start(sessionId);
    // A change that landed while the session was being opened: its sign-out may have missed this one.
    try {
      await epoch.assertCurrent(claims.sub, mark);
    } catch (error) {
      await sessions.end(sessionId);
      throw error;
    }
    return {
      result: { tokens },
      sessionId,
      sub: claims.sub,
      audit: { subject: claims.sub, sessionId, clientId: claims.clientId, outcome: "SUCCESS" },
      undo: () => sessions.end(sessionId),
    };
  }
}
