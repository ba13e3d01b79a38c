import type { RequestMeta } from "../../audit/audit-event";
import type { Audited } from "../../audit/audited";
import type { SecurityEpoch } from "../../policy/security-epoch";
import type { AuthOutcome } from "../auth-outcome";
import type { ProviderTokens } from "../identity-provider";
import { decodeIssuedAccessToken } from "../token-claims";
import { internalError, type TokenRelease } from "./token-release";

export type HostedCompletion = {
  complete(tokens: ProviderTokens, meta: RequestMeta): Promise<Audited<AuthOutcome> & { sessionId: string; sub: string }>;
};

/**
 * Hosted login (OAuth 2.0 code flow): Cognito's own pages checked the password and the MFA code, so the
 * login enters the table at HOSTED and goes straight to the one token release — which still re-checks the
 * security epoch, the access policy (disabled, locked) and that TOTP is enabled. An expired password cannot
 * be changed on Cognito's pages: the session opens, and the access policy refuses it (PASSWORD_EXPIRED)
 * until the password is changed through the GraphQL login.
 */
export const hostedCompletion = (release: Pick<TokenRelease, "release">, epoch: Pick<SecurityEpoch, "start" | "mark">): HostedCompletion => ({
  async complete(tokens, meta) {
    const { sub } = decodeIssuedAccessToken(tokens.accessToken);
    const mark = await epoch.mark(sub, epoch.start());
    const released = await release.release(tokens, { from: "HOSTED", email: "", mark, proven: ["password", "totp"], passwordJustSet: true }, meta);
    if (released.sessionId === undefined) throw internalError("hosted login released no session");
    return { ...released, sessionId: released.sessionId };
  },
});
