import type { EpochMark } from "../../policy/security-epoch";
import type { ProvenFactor } from "../factors/factor";
import type { ProviderTokens } from "../identity-provider";

/**
 * The login state machine, as data. A login starts at PASSWORD (or, for a signed-in user replacing
 * their authenticator, at RE_ENROL) and ends at TOKENS; every arrow a handler takes is checked against
 * this table, and a test walks every path through it.
 *
 *   PASSWORD ─┬─ NEW_PASSWORD_REQUIRED ─┐   (an invited user's first password: there is no factor to ask yet)
 *             ├─────────────────────────┴─┬─ MFA_SETUP ── MFA_SETUP_VERIFY ─┬─ [PASSWORD_EXPIRED] ── TOKENS
 *             └───────────────────────────┴─ SOFTWARE_TOKEN_MFA ────────────┘
 *   RE_ENROL ── MFA_SETUP_VERIFY
 *   HOSTED ── TOKENS   (hosted login: Cognito's own pages asked for both factors)
 *   SOFTWARE_TOKEN_MFA ─┬─ WEBAUTHN ── [PASSWORD_EXPIRED] ── TOKENS   (a passkey instead of the TOTP code)
 *                       └─ MFA_SETUP                                 (a recovery code: re-enrol before tokens)
 *   PASSKEY ── [PASSWORD_EXPIRED] ── TOKENS                          (a passkey with user verification alone)
 *
 * Stages of two kinds: a factor's (SOFTWARE_TOKEN_MFA, WEBAUTHN, PASSKEY: the machine asks a factor from
 * factors/) and a required action's (NEW_PASSWORD_REQUIRED, MFA_SETUP, MFA_SETUP_VERIFY, PASSWORD_EXPIRED:
 * login/required-actions.ts). Which one comes next is decided in login-machine.ts, nowhere else.
 *
 * Invariant: no token, no session and no credential change before both factors are proven in this
 * login (the invited user's first password is the one credential set earlier: it replaces a temporary
 * one an administrator issued, and enrolment still follows before any token).
 */
export const loginTransitions = {
  PASSWORD: ["NEW_PASSWORD_REQUIRED", "MFA_SETUP", "SOFTWARE_TOKEN_MFA"],
  RE_ENROL: ["MFA_SETUP_VERIFY"],
  /** Hosted login (OAuth): the pool's pages proved the password and the MFA code; only the release is ours. */
  HOSTED: ["TOKENS"],
  PASSKEY: ["PASSWORD_EXPIRED", "TOKENS"],
  NEW_PASSWORD_REQUIRED: ["MFA_SETUP", "SOFTWARE_TOKEN_MFA"],
  MFA_SETUP: ["MFA_SETUP_VERIFY"],
  MFA_SETUP_VERIFY: ["PASSWORD_EXPIRED", "TOKENS"],
  SOFTWARE_TOKEN_MFA: ["PASSWORD_EXPIRED", "TOKENS", "WEBAUTHN", "MFA_SETUP"],
  WEBAUTHN: ["PASSWORD_EXPIRED", "TOKENS"],
  PASSWORD_EXPIRED: ["TOKENS"],
} as const satisfies Record<string, readonly string[]>;

export type LoginStep = keyof typeof loginTransitions;
export type LoginTarget = (typeof loginTransitions)[LoginStep][number];

export const canMove = (from: LoginStep, to: LoginTarget): boolean => (loginTransitions[from] as readonly string[]).includes(to);

export type { ProvenFactor };
export const secondFactors: readonly ProvenFactor[] = ["totp", "webauthn", "webauthn-uv"];

export const bothFactorsProven = (proven: readonly ProvenFactor[]): boolean =>
  proven.includes("webauthn-uv") || (proven.includes("password") && proven.some((f) => secondFactors.includes(f)));

/** How the gateway continues an MFA enrolment: Cognito's own MFA_SETUP session, or tokens it holds back. */
export type EnrolmentVia = { kind: "session"; session: string } | { kind: "held"; tokens: ProviderTokens };

type Common = {
  email: string;
  username: string;
  expiresAt: number;
  /** The account's security epoch when this login began: any change since refuses the handle. */
  mark: EpochMark;
  proven: ProvenFactor[];
};

/** Server-side state behind an opaque challenge handle. Cognito's session never leaves the gateway. */
export type ChallengeState = Common &
  (
    | { stage: "MFA_SETUP"; via: EnrolmentVia }
    /** `reset`: a signed-in user replacing their authenticator; their other sessions end on success. */
    | { stage: "MFA_SETUP_VERIFY"; via: EnrolmentVia; attemptsLeft: number; purpose: "enrol" | "reset"; /** The new secret, kept (sealed) once verified: step-up codes are checked against it. */ secret?: string }
    | { stage: "SOFTWARE_TOKEN_MFA"; session: string; attemptsLeft: number }
    /** A passkey answering the MFA step: the WebAuthn challenge it must sign. */
    | { stage: "WEBAUTHN"; challenge: string }
    | { stage: "NEW_PASSWORD_REQUIRED"; session: string }
    /** Both factors proven, the password too old: the tokens wait here until a new password is set. */
    | { stage: "PASSWORD_EXPIRED"; tokens: ProviderTokens }
  )
  /** A passkey sign-in without a password, before the credential names the account: no account, no epoch yet. */
  | { stage: "PASSKEY"; expiresAt: number; challenge: string; claimedEmail: string | undefined; startedAt: number };

export type ChallengeStage = ChallengeState["stage"];
export type StateOf<S extends ChallengeStage> = Extract<ChallengeState, { stage: S }>;
/** A state as the machine creates it; the store adds the expiry. */
export type NewChallengeState = ChallengeState extends infer T ? (T extends ChallengeState ? (T extends { stage: "PASSKEY" } ? never : Omit<T, "expiresAt">) : never) : never;

/** How many wrong codes one handle tolerates before the user must log in again. */
export const codeAttemptsPerHandle = 3;
