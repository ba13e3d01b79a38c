import type { RequestMeta } from "../../audit/audit-event";
import type { Audited } from "../../audit/audited";
import { ErrorCode, GatewayError, InactiveReason } from "../../errors/error-codes";
import { decideAccess } from "../../policy/access-policy";
import type { IdleTimeout } from "../../policy/idle-timeout";
import type { Lockout } from "../../policy/lockout";
import type { PasswordRotation } from "../../policy/password-rotation";
import type { EpochMark, SecurityEpoch } from "../../policy/security-epoch";
import type { StateStore } from "../../store/state-store";
import { readFlags, saveAccount } from "../account-records";
import type { AuthOutcome } from "../auth-outcome";
import type { IdentityProvider, ProviderAuthResult, ProviderTokens } from "../identity-provider";
import type { SessionRegistry } from "../session-registry";
import { decodeIssuedAccessToken } from "../token-claims";
import type { LoginHandles } from "./login-handles";
import { bothFactorsProven, canMove, type LoginStep, type ProvenFactor } from "./login-stages";

export const internalError = (what: string) => new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error(what));

/** Tokens from an answer that must carry them (after MFA there is no further challenge). */
export const tokensOf = (answer: ProviderAuthResult): ProviderTokens => {
  if (answer.kind !== "tokens") throw internalError(`unexpected ${answer.name} challenge after MFA`);
  return answer.tokens;
};

export type TokenReleaseDeps = {
  idp: Pick<IdentityProvider, "getProfile">;
  store: StateStore;
  sessions: SessionRegistry;
  idle: IdleTimeout;
  lockout: Pick<Lockout, "succeeded" | "assertNotLocked">;
  rotation: Pick<PasswordRotation, "startIfUnknown" | "hasExpired">;
  epoch: Pick<SecurityEpoch, "assertCurrent">;
  handles: Pick<LoginHandles, "create">;
  sessionMaxAgeSeconds: number;
};

export type Release = {
  from: LoginStep;
  email: string;
  mark: EpochMark;
  proven: readonly ProvenFactor[];
  /** This login just set the password (expired or first password): it is not due again. */
  passwordJustSet?: boolean;
};

export type Released = Audited<AuthOutcome> & { sessionId?: string; sub: string };

/**
 * The one place tokens leave a login. Only after the password and a second factor were proven in this
 * login, re-checked against the account's current state: its security epoch has not moved since the
 * login began (no sign-out, disable, group change, password change, MFA reset or lock in between), the
 * access policy lets it act, and — when its password is too old — only after a new one is set.
 */
export class TokenRelease {
  constructor(private readonly deps: TokenReleaseDeps) {}

  async release(tokens: ProviderTokens, step: Release, meta: RequestMeta): Promise<Released> {
    const { idp, store, sessions, idle, lockout, rotation, epoch } = this.deps;
    if (!bothFactorsProven(step.proven)) throw internalError("tokens without both factors");
    const claims = decodeIssuedAccessToken(tokens.accessToken);
    await epoch.assertCurrent(claims.sub, step.mark);
    if (!step.passwordJustSet && (await rotation.hasExpired(claims.sub))) {
      // Both factors are proven; the tokens wait behind the new password, in the gateway.
      const session = await this.deps.handles.create(step.from, { stage: "PASSWORD_EXPIRED", email: step.email, username: claims.sub, mark: step.mark, proven: [...step.proven], tokens });
      return { result: { challenge: { name: "PASSWORD_EXPIRED", session } }, sub: claims.sub, audit: { subject: claims.sub, outcome: "CHALLENGE", reason: "PASSWORD_EXPIRED" } };
    }
    if (!canMove(step.from, "TOKENS")) throw internalError(`login cannot release tokens from ${step.from}`);
    const profile = await idp.getProfile(tokens.accessToken);
    if (!profile.mfaEnabled) throw internalError("tokens reached the end of a login without TOTP enabled");
    await this.assertMayAct(claims.sub, claims.groups, profile.email);
    await saveAccount(store, profile, claims.groups, this.deps.sessionMaxAgeSeconds);
    await Promise.all([lockout.succeeded(profile.email), rotation.startIfUnknown(claims.sub)]);
    const sessionId = await sessions.open(claims, tokens.refreshToken, meta);
    await idle.start(sessionId);
    // A change that landed while the session was being opened: its sign-out may have missed this one.
    try {
      await epoch.assertCurrent(claims.sub, step.mark);
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

  /** The access policy, for an account about to get a session; disabled answers like a wrong password, as Cognito does. */
  private async assertMayAct(sub: string, groups: readonly string[], email: string): Promise<void> {
    await this.deps.lockout.assertNotLocked(email);
    const flags = await readFlags(this.deps.store, sub);
    const decision = decideAccess({ sub, sessionLive: true, idle: false, disabled: flags.disabled, locked: false, passwordExpired: false, groups }, "active");
    if (decision.allowed) return;
    if (decision.error.extensions["reason"] === InactiveReason.ACCOUNT_DISABLED) throw new GatewayError(ErrorCode.INVALID_CREDENTIALS);
    throw decision.error;
  }
}
