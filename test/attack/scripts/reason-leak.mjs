// Against a running dev gateway at LOG_LEVEL=debug (see revocation-race.mjs for the start line):
//   node test/attack/scripts/reason-leak.mjs http://127.0.0.1:4600/graphql <email of a provider> <their TOTP secret>
// or with no email: registers a user and prints the `npm run admin -- grant <email> provider` line to run, then re-run.
import { randomUUID } from "node:crypto";
import { authenticator as otp } from "otplib";

const [url = "http://127.0.0.1:4600/graphql", givenEmail, givenSecret] = process.argv.slice(2);
const PASSWORD = "Correct-Horse-Battery-9";
const MARKER = "LEAKMARKER-" + randomUUID().slice(0, 8);
const gql = async (query, variables = {}, token) => (await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) })).json();
const data = (r) => { if (r.errors?.length) throw new Error(JSON.stringify(r.errors)); return r.data; };
const used = new Set();
const code = async (secret) => { for (;;) { const c = otp.generate(secret); if (!used.has(c)) { used.add(c); return c; } await new Promise((r) => setTimeout(r, 2000)); } };

if (!givenEmail) {
  const email = `leak-${randomUUID()}@example.test`;
  data(await gql(`mutation($i: RegisterInput!) { register(input: $i) { accepted } }`, { i: { email, password: PASSWORD } }));
  data(await gql(`mutation($e: String!) { confirmSignUp(email: $e, code: "123456") }`, { e: email }));
  const login = data(await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { session } } }`, { e: email, p: PASSWORD })).login;
  const setup = data(await gql(`mutation($s: String!) { beginMfaSetup(session: $s) { secret session } }`, { s: login.challenge.session })).beginMfaSetup;
  data(await gql(`mutation($s: String!, $c: String!) { completeMfaSetup(session: $s, code: $c) { tokens { accessToken } } }`, { s: setup.session, c: await code(setup.secret) }));
  console.log(JSON.stringify({ email, secret: setup.secret }));
  process.exit(0);
}
const login = data(await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { session } } }`, { e: givenEmail, p: PASSWORD })).login;
await new Promise((r) => setTimeout(r, 31_000)); // a code not used at enrolment
const tokens = data(await gql(`mutation($s: String!, $c: String!) { respondToMfa(session: $s, code: $c) { tokens { accessToken } } }`, { s: login.challenge.session, c: await code(givenSecret) })).respondToMfa.tokens;
const reason = `Patient unconscious, ${MARKER}, team unreachable`;
const answers = [];
answers.push(await gql(`mutation { requestEmergencyAccess(input: { reason: "${reason}", minutes: 500 }, code: "000000") { id } }`, {}, tokens.accessToken));
answers.push(await gql(`mutation { requestEmergencyAccess(input: { reason: "${reason}", scope: BOGUS }, code: "000000") { id } }`, {}, tokens.accessToken));
answers.push(await gql(`mutation($i: EmergencyAccessInput!, $c: String!) { requestEmergencyAccess(input: $i, code: $c) { id status } }`, { i: { reason, patientRef: "patient-1" }, c: await code(givenSecret) }, tokens.accessToken));
console.log(JSON.stringify({ marker: MARKER, answers }));
