import { ConfirmForgotPasswordDocument, ForgotPasswordDocument, LoginDocument, RegisterDocument, ResendConfirmationCodeDocument } from "../../generated/graphql";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { median, separation, timed } from "../../support/timing";
import { PASSWORD, uniqueEmail } from "../../support/users";

const samples = 30;

/**
 * Row E: the same work on both sides of every existence question. Samples are interleaved (existing,
 * unknown, unknown, existing, …) so load on the machine falls on both alike; the test fails only when the two
 * sides separate almost completely (as 6 ms against 95 ms did), and prints its figures.
 */
describe("E: existing and unknown accounts take the same time", () => {
  let gw: TestGateway;
  const existing: string[] = [];
  beforeAll(async () => {
    // The gateway's shipped floor (uniformAnswerFloorMs), which the other test files skip: it is what is measured here.
    gw = await startTestGateway({ answerFloorMs: undefined });
    for (let i = 0; i < samples; i++) {
      const email = uniqueEmail();
      await gw.run(RegisterDocument, { input: { email, password: PASSWORD } });
      existing.push(email);
    }
  }, 120_000);
  afterAll(() => gw.close());

  const compare = async (name: string, ask: (email: string) => Promise<unknown>) => {
    const known: number[] = [];
    const unknown: number[] = [];
    // Which side goes first alternates: the first of a pair can pay for what the one before left running.
    for (let i = 0; i < samples; i++) {
      const askKnown = async () => known.push(await timed(() => ask(existing[i]!)));
      const askUnknown = async () => unknown.push(await timed(() => ask(uniqueEmail())));
      for (const step of i % 2 === 0 ? [askKnown, askUnknown] : [askUnknown, askKnown]) await step();
    }
    const p = separation(known, unknown);
    process.stdout.write(`E ${name}: existing median ${median(known).toFixed(1)} ms, unknown median ${median(unknown).toFixed(1)} ms, P(existing slower) = ${p.toFixed(2)} over ${samples}+${samples} samples\n`);
    expect(p).toBeGreaterThan(0.15);
    expect(p).toBeLessThan(0.85);
  };

  it("register", () => compare("register", (email) => gw.run(RegisterDocument, { input: { email, password: "Another-Str0ng-Passphrase" } })), 120_000);
  it("confirmForgotPassword", () => compare("confirmForgotPassword", (email) => gw.run(ConfirmForgotPasswordDocument, { email, code: "000000", newPassword: "Another-Str0ng-Passphrase" })), 120_000);
  it("forgotPassword", () => compare("forgotPassword", (email) => gw.run(ForgotPasswordDocument, { email })), 120_000);
  it("resendConfirmationCode", () => compare("resendConfirmationCode", (email) => gw.run(ResendConfirmationCodeDocument, { email })), 120_000);
  it("login with a wrong password", () => compare("login", (email) => gw.run(LoginDocument, { email, password: "Wrong-Passw0rd-!!x" })), 120_000);
});
