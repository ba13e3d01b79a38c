import { z } from "zod";
import { absentable, recordSchema } from "../../shared/stored-record";
import type { ChallengeState } from "./login-stages";

/**
 * The shape of a challenge handle's sealed state, checked when the handle is taken: a state sealed by another
 * version of the gateway (a rolling deploy) that no longer matches is refused like an expired handle.
 * Kept next to login-stages.ts: a change to ChallengeState that this schema does not follow fails to compile.
 */
const providerTokens = z.object({ accessToken: z.string(), idToken: z.string(), refreshToken: absentable(z.string()), expiresIn: z.number(), tokenType: z.string() });
const via = z.discriminatedUnion("kind", [z.object({ kind: z.literal("session"), session: z.string() }), z.object({ kind: z.literal("held"), tokens: providerTokens })]);
const common = {
  email: z.string(),
  username: z.string(),
  expiresAt: z.number(),
  mark: z.object({ epoch: z.number(), startedAt: z.number() }),
  proven: z.array(z.enum(["password", "totp", "webauthn", "webauthn-uv", "recovery-code"])),
};

export const challengeState = recordSchema<ChallengeState>()(
  z.discriminatedUnion("stage", [
    z.object({ ...common, stage: z.literal("MFA_SETUP"), via }),
    z.object({ ...common, stage: z.literal("MFA_SETUP_VERIFY"), via, attemptsLeft: z.number(), purpose: z.enum(["enrol", "reset"]), secret: z.string().optional() }),
    z.object({ ...common, stage: z.literal("SOFTWARE_TOKEN_MFA"), session: z.string(), attemptsLeft: z.number() }),
    z.object({ ...common, stage: z.literal("WEBAUTHN"), challenge: z.string() }),
    z.object({ ...common, stage: z.literal("NEW_PASSWORD_REQUIRED"), session: z.string() }),
    z.object({ ...common, stage: z.literal("PASSWORD_EXPIRED"), tokens: providerTokens }),
    z.object({ stage: z.literal("PASSKEY"), expiresAt: z.number(), challenge: z.string(), claimedEmail: absentable(z.string()), startedAt: z.number() }),
  ]),
);
