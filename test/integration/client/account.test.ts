import { AuthGatewayError } from "@hipaa-auth-gateway/client";
import { NoticeCapture } from "../../support/notice-capture";
import { finishSignIn, signedInClient } from "../../support/auth-client";
import { SoftAuthenticator } from "../../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { freshCode, PASSWORD, uniqueEmail } from "../../support/users";
import { TEST_CODE } from "../../setup/test-cognito";

/** The client package's account methods: each sensitive change takes the fresh factor the gateway asks for. */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (error instanceof AuthGatewayError ? `${error.code}:${error.details?.reason ?? ""}` : String(error)),
  );

describe("client: account security with a fresh factor", () => {
  it("passkeys and recovery codes: a code or a passkey step-up in the call; without one STEP_UP_REQUIRED", async () => {
    const { auth, secret } = await signedInClient(gw);
    expect(await reasonOf(auth.account.generateRecoveryCodes({ code: "000000" }))).toBe("CODE_MISMATCH:");
    const key = new SoftAuthenticator({ origin: "http://localhost:4000" });
    const options = await auth.account.beginPasskeyRegistration({ code: await freshCode(secret) });
    const added = await auth.account.completePasskeyRegistration(key.register(options), "Laptop");
    expect(added.nickname).toBe("Laptop");
    const codes = await auth.account.generateRecoveryCodes({ passkey: key.assert(await auth.account.beginPasskeyStepUp()) });
    expect(codes).toHaveLength(10);
    expect(await reasonOf(auth.request("mutation { generateRecoveryCodes }"))).toBe("FORBIDDEN:STEP_UP_REQUIRED");
    await auth.account.removePasskey(added.id, { passkey: key.assert(await auth.account.beginPasskeyStepUp()) });
  });

  it("email change with a code, undone from the old address without signing in; password change with a code", async () => {
    const { auth, email, secret } = await signedInClient(gw);
    await auth.account.requestEmailChange(uniqueEmail(), { code: await freshCode(secret) });
    await auth.account.confirmEmailChange(TEST_CODE);
    const token = mail.to(email, "EMAIL_CHANGED")[0]!.undoToken!;
    const stranger = (await signedInClient(gw)).auth;
    await stranger.logout();
    await stranger.account.undoEmailChange(token);
    expect(await reasonOf(auth.refreshTokens())).toMatch(/^UNAUTHENTICATED/);
    const again = await finishSignIn(await auth.signIn(email, PASSWORD), { secret });
    expect(again.result.isSignedIn).toBe(true);
    await auth.account.changePassword(PASSWORD, "Client-Changed-Passw0rd-5", { code: await freshCode(secret) });
  });
});
