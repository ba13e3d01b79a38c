import { BeginPasskeyStepUpDocument } from "../generated/graphql";
import { dataOf } from "./graphql-client";
import type { SoftAuthenticator } from "./soft-authenticator";
import type { TestGateway } from "./test-gateway";

/**
 * A fresh factor for a sensitive change, answered with a passkey of the caller (beginPasskeyStepUp): tests that
 * step up many times use it instead of TOTP codes, which are one per 30-second step and never accepted twice.
 */
export const passkeyStepUp = async (gw: Pick<TestGateway, "run">, token: string, key: SoftAuthenticator): Promise<{ passkey: string }> => ({
  passkey: key.assert(dataOf(await gw.run(BeginPasskeyStepUpDocument, {}, { token })).beginPasskeyStepUp),
});
