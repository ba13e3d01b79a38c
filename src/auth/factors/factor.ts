import type { AuditEvent, AuditEventType, RequestMeta } from "../../audit/audit-event";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { EnrolmentCredential, ProviderTokens } from "../identity-provider";

/**
 * The second factors, as the login machine (auth/login/login-machine.ts) sees them — Keycloak's authenticator
 * contract: the machine asks for a challenge, hands the client's answer to `verify`, and the factor says
 * success or failure. A factor never takes or creates a challenge handle, never records what a login proved
 * and never releases tokens: the machine does all three. Everything here is what login/ may import from
 * factors/; nothing under factors/ imports login/.
 */
export type FactorId = "totp" | "webauthn" | "recovery-code";

/**
 * What a login has proven so far; tokens need "password" and a second factor, or a passkey with user
 * verification ("webauthn-uv": possession and inherence in one gesture). A passkey without user
 * verification ("webauthn") is possession only: a second factor after the password. A recovery code is
 * neither: it only lets the login continue to re-enrolment of an authenticator.
 */
export type ProvenFactor = "password" | "totp" | "webauthn" | "webauthn-uv" | "recovery-code";

/** The account a factor answers for; the passwordless passkey sign-in learns it from the factor itself. */
export type FactorAccount = { sub: string; email: string };

export type FactorContext = {
  meta: RequestMeta;
  /** The entry's audit event: a factor records why it refused an answer under it. */
  event: AuditEvent;
  /** Undefined only for a passkey sign-in without a password, where the credential names the account. */
  account: FactorAccount | undefined;
  /** The email a passwordless sign-in was begun for, if any: the credential must belong to it. */
  claimedEmail?: string | undefined;
  /** What `challenge` produced for this login, kept (sealed) in the machine's handle. */
  challenge?: string | undefined;
  /** The provider's own MFA session of this login (Cognito's SOFTWARE_TOKEN_MFA challenge). */
  providerSession?: string | undefined;
  /** A passkey must prove the user too (PIN, biometrics): it is the only factor of this sign-in. */
  alone?: boolean;
};

/** What the client must answer: options to show it, and the challenge the machine keeps for `verify`. */
export type FactorChallenge = { options: string; challenge: string };

export type FactorVerdict =
  | {
      outcome: "success";
      proves: ProvenFactor;
      /** The account the answer proved (the credential's owner for a passwordless sign-in). */
      account: FactorAccount;
      /**
       * The provider's answer to the proof. With Cognito the proof itself is what the provider answers with
       * tokens (RespondToAuthChallenge, or CUSTOM_AUTH for a proof the gateway checked); the machine decides
       * whether and when they leave.
       */
      tokens: ProviderTokens;
      /** For the audit record: what was proven with (a credential digest) and what the proof changed. */
      target?: string;
      note?: string;
    }
  | { outcome: "failure"; error: GatewayError };

/** How an authenticator is set up (the machine's CONFIGURE_TOTP required action runs it). */
export type FactorSetUp = {
  /** A new secret, associated at the provider, and how to show it; `session` continues the provider's MFA_SETUP. */
  begin(credential: EnrolmentCredential, email: string): Promise<{ secret: string; session: string | undefined; otpauthUri: string; qrCodeDataUrl: string }>;
  /** The first code of the new secret (`secret`: the one this ceremony handed out). */
  confirm(ctx: FactorContext & { account: FactorAccount }, credential: EnrolmentCredential, secret: string | undefined, code: string): Promise<{ outcome: "success"; session: string | undefined } | { outcome: "failure"; error: GatewayError }>;
  /** Switches the new authenticator on, and keeps the gateway's sealed copy of its secret. */
  activate(sub: string, accessToken: string, secret: string | undefined): Promise<void>;
};

export type Factor = {
  id: FactorId;
  assurance: "possession" | "possession+inherence";
  /** The reserve-first guard every answer passes (policy/lockout.ts, shared with passwords). */
  limiter: "lockout";
  /** Audit events the factor's own operations write. */
  events: readonly AuditEventType[];
  /**
   * `code`: answered at the MFA step itself (a TOTP or recovery code); `challenge`: the client first asks for a
   * challenge of its own (a passkey), and the factor is offered beside the MFA step when `configuredFor` the account.
   */
  answers: "code" | "challenge";
  /** A wrong answer gives the login's handle back, one attempt fewer: a mistyped code should not end the login. */
  retryable: boolean;
  /** The account has one (a passkey, recovery codes left): offered as an alternative at the MFA step when true. */
  configuredFor(account: FactorAccount): Promise<boolean>;
  challenge(ctx: FactorContext): Promise<FactorChallenge>;
  verify(ctx: FactorContext, answer: string): Promise<FactorVerdict>;
  /** Refused before any handle or answer is spent (a factor this gateway is not set up for). */
  assertAvailable?(): void;
  setUp?: FactorSetUp;
};

/** A wrong answer (wrong code, refused passkey) is a failure verdict; anything else stays an error. */
export const failureOf = (error: unknown): { outcome: "failure"; error: GatewayError } => {
  if (error instanceof GatewayError && (error.code === ErrorCode.CODE_MISMATCH || error.code === ErrorCode.INVALID_CREDENTIALS)) return { outcome: "failure", error };
  throw error;
};

export const findFactor = (factors: readonly Factor[], id: FactorId): Factor => {
  const factor = factors.find((f) => f.id === id);
  if (!factor) throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error(`no ${id} factor`));
  return factor;
};
