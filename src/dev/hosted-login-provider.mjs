// Dev mode's hosted login: the certified OpenID Provider the tests use (oidc-provider) at Cognito's hosted
// paths, issuing Cognito-shaped RS256 tokens signed with cognito-local's key under cognito-local's issuer, so
// the gateway treats them as the pool's. Its page asks the password and the TOTP code of a cognito-local
// account and checks both at cognito-local (MFA mandatory). Run as a child process (oidc-provider is ESM-only):
//   HOSTED_LOGIN='{"issuer":…,"port":N,"cognito":{…},"client":{…},"privateJwk":{…}}' node hosted-login-provider.mjs
import { createServer } from "node:http";
import { CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand } from "@aws-sdk/client-cognito-identity-provider";
import { cognitoShapedProvider } from "./cognito-shaped-provider.mjs";

const config = JSON.parse(process.env.HOSTED_LOGIN ?? "{}");
/** Resource indicator of the pool's own API: makes oidc-provider issue JWT access tokens. */
const resource = "urn:dev-hosted-login:cognito";
/** What cognito-local said about each account that signed in here (groups, email). */
const accounts = new Map();
const cognito = new CognitoIdentityProviderClient({ endpoint: config.cognito.endpoint, region: "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } });

const provider = cognitoShapedProvider({
  issuer: config.issuer,
  clients: [config.client],
  privateJwk: config.privateJwk,
  resource,
  accessTokenTtl: 900,
  idTokenTtl: 900,
  interactionTtl: 600,
  account: (sub) => accounts.get(sub),
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (uid, problem) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hosted login (dev)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;background:#f4f6fa;margin:0;display:grid;place-items:center;min-height:100vh}
form{background:#fff;padding:2rem;border-radius:12px;box-shadow:0 2px 12px #0002;width:min(22rem,90vw);display:grid;gap:.8rem}
h1{font-size:1.2rem;margin:0}p{margin:0;color:#555;font-size:.9rem}label{display:grid;gap:.2rem;font-size:.9rem}
input{font:inherit;padding:.5rem;border:1px solid #bbb;border-radius:6px}button{font:inherit;padding:.6rem;border:0;border-radius:6px;background:#1f5fbf;color:#fff}
.problem{color:#a40000}</style></head><body>
<form method="post" action="/interaction/${escape(uid)}">
<h1>Sign in (hosted login, dev)</h1>
<p>A local stand-in for the pool's hosted page: your cognito-local account's password and authenticator code.</p>
${problem ? `<p class="problem" role="alert">${escape(problem)}</p>` : ""}
<label>Email <input name="email" type="email" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<label>Authenticator code <input name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required></label>
<button type="submit">Sign in</button>
</form></body></html>`;

const decode = (jwt) => JSON.parse(Buffer.from(String(jwt).split(".")[1] ?? "", "base64url").toString("utf8"));
const formOf = async (req) => {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 8192) throw new Error("too large");
  }
  return new URLSearchParams(body);
};

/** Password, then the TOTP code, both checked by cognito-local; an account without TOTP is refused. One message for every failure. */
const verify = async (email, password, code) => {
  const started = await cognito.send(new InitiateAuthCommand({ ClientId: config.cognito.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD: password } }));
  if (started.ChallengeName !== "SOFTWARE_TOKEN_MFA") return undefined;
  const answered = await cognito.send(
    new RespondToAuthChallengeCommand({ ClientId: config.cognito.clientId, ChallengeName: "SOFTWARE_TOKEN_MFA", Session: started.Session, ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code } }),
  );
  const access = answered.AuthenticationResult?.AccessToken;
  if (!access) return undefined;
  const claims = decode(access);
  return { sub: claims.sub, groups: claims["cognito:groups"] ?? [], email };
};

const interaction = async (req, res) => {
  const details = await provider.interactionDetails(req, res);
  if (req.method !== "POST") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(details.uid));
    return;
  }
  const form = await formOf(req);
  const account = await verify(form.get("email") ?? "", form.get("password") ?? "", form.get("code") ?? "").catch(() => undefined);
  if (!account) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(details.uid, "The email, password or code is not right, or the account has no authenticator set up yet (set it up in the playground first)."));
    return;
  }
  accounts.set(account.sub, account);
  const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  grant.addResourceScope(resource, String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
};

/** Cognito's /logout: the client and one of its sign-out URLs, else an error page. */
const logout = (res, url) => {
  const target = url.searchParams.get("logout_uri");
  if (url.searchParams.get("client_id") !== config.client.client_id || !target || !config.client.logout_uris.includes(target)) {
    res.writeHead(400, { "content-type": "text/plain" }).end("invalid logout request");
    return;
  }
  res.writeHead(302, { location: target }).end();
};

const handle = provider.callback();
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://hosted-login");
  if (url.pathname.startsWith("/interaction/")) {
    interaction(req, res).catch(() => res.writeHead(400, { "content-type": "text/plain" }).end("This sign-in expired: start again from the app."));
  } else if (url.pathname === "/logout") {
    logout(res, url);
  } else {
    handle(req, res);
  }
});
server.on("listening", () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
// Another dev gateway's page may hold the port: any free one does (the gateway learns it from the line above).
server.once("error", (error) => {
  if (error.code !== "EADDRINUSE" || !config.port) throw error;
  server.listen(0, "127.0.0.1");
});
server.listen(config.port ?? 0, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
// Never outlive the gateway: stdin is a pipe from it, closed when it exits (even when killed).
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
