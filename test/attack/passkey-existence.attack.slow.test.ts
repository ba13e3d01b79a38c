import { BeginPasskeyLoginDocument, BeginPasskeyRegistrationDocument, CompletePasskeyLoginDocument, CompletePasskeyRegistrationDocument } from "../generated/graphql";
import { dataOf, errorOf } from "../support/graphql-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { interleavedRounds, median, pairedShare } from "../support/timing";
import { enrolledUser, freshCode, uniqueEmail } from "../support/users";

/** Does beginPasskeyLogin(email) / completePasskeyLogin tell whether an account, or a passkey, exists? (answer and time) */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

it("beginPasskeyLogin answers alike (shape and time) for an account with a passkey, one without, and no account", async () => {
  const withKey = await enrolledUser(gw);
  const key = new SoftAuthenticator({ origin: "http://localhost:4000" });
  const options = dataOf(await gw.run(BeginPasskeyRegistrationDocument, { code: await freshCode(withKey.secret) }, { token: withKey.accessToken })).beginPasskeyRegistration;
  dataOf(await gw.run(CompletePasskeyRegistrationDocument, { response: key.register(options), nickname: "k" }, { token: withKey.accessToken }));
  const without = await enrolledUser(gw);
  // The unknown address has the same form and length as the real ones: only whether it exists differs.
  const emails = { passkey: withKey.email, noPasskey: without.email, none: uniqueEmail() };
  const shapes = new Set<string>();
  const ask = (email: string) => async () => {
    const answer = (await gw.run(BeginPasskeyLoginDocument, { email })) as { data: { beginPasskeyLogin: { options: string } } };
    const opts = JSON.parse(answer.data.beginPasskeyLogin.options) as Record<string, unknown>;
    shapes.add(JSON.stringify({ keys: Object.keys(opts).sort(), allow: opts["allowCredentials"], uv: opts["userVerification"] }));
  };
  // 60 rounds, each kind once per round, every order of the three equally often. Judged per round (which of two
  // was slower), not by medians: on CI the whole suite shares 2 cores and medians of identical code drift apart by
  // 2 ms out of 20 (19.5 / 20.5 / 18.1), while the same run's rounds still split evenly.
  const rounds = await interleavedRounds(Object.fromEntries(Object.entries(emails).map(([k, email]) => [k, ask(email)])), 60);
  const medians = Object.fromEntries(Object.keys(emails).map((k) => [k, Math.round(median(rounds.map((r) => r[k]!)) * 100) / 100]));
  const kinds = Object.keys(emails);
  const shares = Object.fromEntries(kinds.flatMap((a, i) => kinds.slice(i + 1).map((b) => [`${a}>${b}`, pairedShare(rounds, a, b)])));
  process.stderr.write(`beginPasskeyLogin over 60 interleaved rounds: medians (ms) ${JSON.stringify(medians)}, P(slower in a round) ${JSON.stringify(shares)}\n`);
  expect(shapes.size).toBe(1);
  // 0.5 ± 0.065 (one standard deviation over 60 rounds) when nothing differs: 0.2 and 0.8 are 4.6 of them away,
  // while an account lookup (a Cognito or PostgreSQL call) on one side makes it slower in nearly every round.
  for (const share of Object.values(shares)) {
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.8);
  }

  // completePasskeyLogin naming an email: a foreign or unknown credential answers the same for a real and an unknown email.
  const stranger = new SoftAuthenticator({ origin: "http://localhost:4000" });
  const codes = [];
  for (const email of [withKey.email, "nobody-at-all@example.test"]) {
    const begun = dataOf(await gw.run(BeginPasskeyLoginDocument, { email })).beginPasskeyLogin;
    const r = await gw.run(CompletePasskeyLoginDocument, { session: begun.session, response: stranger.assert(begun.options) });
    codes.push([errorOf(r).extensions.code, errorOf(r).message]);
  }
  expect(codes[0]).toEqual(codes[1]);
});
