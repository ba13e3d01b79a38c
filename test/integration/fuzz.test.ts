import fc from "fast-check";
import { ErrorCode } from "../../src/errors/error-codes";
import { startTestGateway, type TestGateway } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

/** Every mutation, with its variables as the schema declares them. */
const mutations: [string, string, Record<string, "string" | "input">][] = [
  ["register", "mutation($input: RegisterInput!) { register(input: $input) { accepted } }", { input: "input" }],
  ["confirmSignUp", "mutation($email: String!, $code: String!) { confirmSignUp(email: $email, code: $code) }", { email: "string", code: "string" }],
  ["resendConfirmationCode", "mutation($email: String!) { resendConfirmationCode(email: $email) }", { email: "string" }],
  ["login", "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { challenge { name } } }", { email: "string", password: "string" }],
  ["beginMfaSetup", "mutation($session: String!) { beginMfaSetup(session: $session) { session } }", { session: "string" }],
  ["completeMfaSetup", "mutation($session: String!, $code: String!) { completeMfaSetup(session: $session, code: $code) { challenge { name } } }", { session: "string", code: "string" }],
  ["respondToMfa", "mutation($session: String!, $code: String!) { respondToMfa(session: $session, code: $code) { challenge { name } } }", { session: "string", code: "string" }],
  ["refreshTokens", "mutation($refreshToken: String!) { refreshTokens(refreshToken: $refreshToken) { challenge { name } } }", { refreshToken: "string" }],
  ["forgotPassword", "mutation($email: String!) { forgotPassword(email: $email) }", { email: "string" }],
  ["confirmForgotPassword", "mutation($email: String!, $code: String!, $newPassword: String!) { confirmForgotPassword(email: $email, code: $code, newPassword: $newPassword) }", { email: "string", code: "string", newPassword: "string" }],
  ["completeNewPassword", "mutation($session: String!, $newPassword: String!) { completeNewPassword(session: $session, newPassword: $newPassword) { challenge { name } } }", { session: "string", newPassword: "string" }],
  ["completeExpiredPassword", "mutation($session: String!, $newPassword: String!, $currentPassword: String) { completeExpiredPassword(session: $session, newPassword: $newPassword, currentPassword: $currentPassword) { challenge { name } } }", { session: "string", newPassword: "string", currentPassword: "string" }],
  ["changePassword", "mutation($currentPassword: String!, $newPassword: String!, $code: String) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword, code: $code) }", { currentPassword: "string", newPassword: "string", code: "string" }],
  ["resetMfa", "mutation($currentPassword: String!, $code: String!) { resetMfa(currentPassword: $currentPassword, code: $code) { session } }", { currentPassword: "string", code: "string" }],
  ["updateProfile", "mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { sub } }", { input: "input" }],
  ["requestEmailChange", "mutation($newEmail: String!, $code: String) { requestEmailChange(newEmail: $newEmail, code: $code) }", { newEmail: "string", code: "string" }],
  ["confirmEmailChange", "mutation($code: String!) { confirmEmailChange(code: $code) }", { code: "string" }],
  ["undoEmailChange", "mutation($token: String!) { undoEmailChange(token: $token) }", { token: "string" }],
  ["logout", "mutation($refreshToken: String) { logout(refreshToken: $refreshToken) }", { refreshToken: "string" }],
];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.emailAddress(),
  fc.stringMatching(/^\d{6}$/),
  fc.string({ minLength: 300, maxLength: 3000 }),
  fc.constantFrom("' OR 1=1 --", "${jndi:ldap://x}", "<script>alert(1)</script>", "\u0000\u202e", "__proto__"),
);
const anything = fc.oneof({ weight: 4, arbitrary: text }, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }));
const input = fc.oneof(fc.record({ email: anything, password: anything, givenName: anything, familyName: anything }, { requiredKeys: [] }), anything);

const known = new Set<string>(Object.values(ErrorCode));
const strings = (value: unknown): string[] => (typeof value === "string" ? [value] : Array.isArray(value) ? value.flatMap(strings) : value && typeof value === "object" ? Object.values(value).flatMap(strings) : []);

describe("property-based fuzzing of every mutation over HTTP", () => {
  let gw: TestGateway;
  let token: string;
  const stats = { requests: 0, errors: 0 };
  beforeAll(async () => {
    gw = await startTestGateway();
    token = (await enrolledUser(gw)).accessToken;
  });
  afterAll(async () => {
    await gw.close();
    process.stdout.write(`fuzzing: ${stats.requests} requests, ${stats.errors} typed errors, 0 untyped\n`);
  });

  it.each(mutations)("%s: never a 500, never a stack trace, only public codes, never the input echoed", async (_name, document, shape) => {
    const variables = fc.record(Object.fromEntries(Object.entries(shape).map(([key, kind]) => [key, kind === "input" ? input : anything])));
    await fc.assert(
      fc.asyncProperty(variables, async (vars) => {
        const response = await fetch(gw.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: document, variables: vars }) });
        const body = await response.text();
        stats.requests++;
        expect([200, 400, 401, 429]).toContain(response.status);
        expect(body).not.toMatch(/stacktrace|"stack"|\n\s+at \S+ \(/);
        const errors = (JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] }).errors ?? [];
        stats.errors += errors.length;
        for (const error of errors) {
          expect(known).toContain(error.extensions?.code);
          // A masked error is a bug the fuzzer found, not an answer.
          expect(error.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
        }
        for (const value of strings(vars).filter((v) => v.trim().length >= 8)) expect(body).not.toContain(JSON.stringify(value).slice(1, -1));
      }),
      { numRuns: 25 },
    );
  });
});
