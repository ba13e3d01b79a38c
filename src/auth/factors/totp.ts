import type { RequestMeta } from "../../audit/audit-event";
import type { Lockout } from "../../policy/lockout";
import type { StateStore } from "../../store/state-store";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { internalError, tokensOf } from "../auth-outcome";
import type { IdentityProvider } from "../identity-provider";
import type { EnrolledTotp } from "./enrolled-totp";
import { failureOf, type Factor } from "./factor";
import { claimTotpCode, otpauthUri, qrCodeDataUrl } from "./totp-codes";

type Deps = { store: Pick<StateStore, "setIfAbsent">; lockout: Pick<Lockout, "guard"> };

/**
 * Every TOTP code check goes through here. A code this account already presented is refused like a wrong one
 * (cognito-local accepts replays) but before the lockout counts it: a copy of one right code (a double-click, a
 * client's retry, a batch) is no guess and must not lock the owner out. A new code reserves a lockout slot first
 * (exact under concurrency).
 */
export class TotpCodeCheck {
  constructor(private readonly deps: Deps) {}

  /** A code proving possession: at login, at enrolment, and at step-up of a signed-in user. */
  async standalone<T>(account: { sub: string; email: string }, code: string, meta: RequestMeta, verify: () => Promise<T>): Promise<T> {
    await claimTotpCode(this.deps.store, account, code);
    return this.deps.lockout.guard(account.email, meta, verify);
  }
}

export type TotpFactorDeps = {
  codes: Pick<TotpCodeCheck, "standalone">;
  /** The gateway's sealed copy of each enrolled secret: a code must match it too. */
  enrolledTotp: Pick<EnrolledTotp, "assertNotContradicted" | "remember" | "codeOf">;
  idp: Pick<IdentityProvider, "answerSoftwareTokenMfa" | "associateSoftwareToken" | "verifySoftwareToken" | "enableSoftwareTokenMfa">;
  totpIssuer: string;
};

/** The authenticator app: mandatory, so configured for everyone; its set-up is the CONFIGURE_TOTP required action. */
export const totpFactor = (deps: TotpFactorDeps): Factor => ({
  id: "totp",
  assurance: "possession",
  limiter: "lockout",
  events: ["MFA_SETUP_BEGIN", "MFA_SETUP_COMPLETE", "MFA_CHALLENGE", "MFA_RESET_BEGIN"],
  answers: "code",
  retryable: true,
  configuredFor: () => Promise.resolve(true),
  // The code is the challenge's answer; Cognito's SOFTWARE_TOKEN_MFA session stands for the challenge.
  challenge: () => Promise.resolve({ options: "", challenge: "" }),
  async verify(ctx, code) {
    const { account, providerSession } = ctx;
    if (!account || providerSession === undefined) throw internalError("a TOTP answer needs the login's account and provider session");
    return deps.codes
      .standalone(account, code, ctx.meta, async () => {
        // An authenticator replaced at Cognito behind the gateway's back (its public API takes the access token
        // alone) does not sign in: the code must also be one of the secret the owner enrolled here.
        await deps.enrolledTotp.assertNotContradicted(account.sub, code);
        return deps.idp.answerSoftwareTokenMfa(account.sub, providerSession, code);
      })
      .then((answer) => ({ outcome: "success" as const, proves: "totp" as const, account, tokens: tokensOf(answer) }), failureOf);
  },
  setUp: {
    async begin(credential, email) {
      const { secret, session } = await deps.idp.associateSoftwareToken(credential);
      const uri = otpauthUri(deps.totpIssuer, email, secret);
      return { secret, session, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri) };
    },
    async confirm(ctx, credential, secret, code) {
      return deps.codes
        .standalone(ctx.account, code, ctx.meta, async () => {
          // The code must be one of the secret this ceremony handed out: VerifySoftwareToken checks whatever secret
          // was associated last, which the access token's holder can replace at Cognito directly.
          if (secret !== undefined && !deps.enrolledTotp.codeOf(secret, code)) throw new GatewayError(ErrorCode.CODE_MISMATCH);
          return deps.idp.verifySoftwareToken(credential, code);
        })
        .then((verified) => ({ outcome: "success" as const, session: verified.session }), failureOf);
    },
    async activate(sub, accessToken, secret) {
      await deps.idp.enableSoftwareTokenMfa(accessToken);
      // The gateway's own sealed copy: step-up codes are checked against what the owner enrolled here.
      if (secret !== undefined) await deps.enrolledTotp.remember(sub, secret);
    },
  },
});
