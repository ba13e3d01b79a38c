import { ConfirmEmailChangeDocument, GenerateRecoveryCodesDocument, RequestEmailChangeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { NoticeCapture } from "../support/notice-capture";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";
import { TEST_CODE } from "../setup/test-cognito";

/**
 * A TOTP code proves one change: the gateway remembers the codes an account presented and refuses a second
 * use. It remembers them under the account's EMAIL (totp-used:<email>:<code>), and so does the lockout. A thief
 * with a stolen token and ONE phished code moves the email to their own inbox with it (the code from the new
 * inbox confirms it), and the account's email is now another key: is the same code, still inside its ±30 s
 * window, taken a second time, here to mint recovery codes (a sign-in method that survives the owner's undo)?
 */
const mail = new NoticeCapture();
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ notifier: mail });
});
afterAll(() => gw.close());

describe("ATTACK: one phished TOTP code, spent again after an email change", () => {
  it("is refused the second time", async () => {
    const owner = await enrolledUser(gw);
    const phished = await freshCode(owner.secret);
    const stolen = owner.accessToken;
    dataOf(await gw.run(RequestEmailChangeDocument, { newEmail: uniqueEmail(), code: phished }, { token: stolen }));
    dataOf(await gw.run(ConfirmEmailChangeDocument, { code: TEST_CODE }, { token: stolen })); // from the thief's inbox

    const again = await gw.run(GenerateRecoveryCodesDocument, { code: phished }, { token: stolen });
    expect({ minted: again.data?.generateRecoveryCodes?.length ?? 0, code: again.errors?.[0]?.extensions?.["code"] }).toEqual({ minted: 0, code: "CODE_MISMATCH" });
  });
});
