// A stand-in for a Cognito user pool's hosted (managed) login domain, for tests only: a certified OpenID
// Provider (oidc-provider) at Cognito's paths, issuing Cognito-shaped RS256 tokens signed with
// cognito-local's own key under cognito-local's issuer, so the gateway's verifier and cognito-local's
// GetUser accept them as they would the pool's. Run as a child process (oidc-provider is ESM-only):
//   STAND_IN='{"issuer":…,"clients":[…],"privateJwk":{…}}' node oidc-stand-in.mjs  → prints {"port":N}
import { createServer } from "node:http";
import { cognitoShapedProvider } from "../../src/dev/cognito-shaped-provider.mjs";

const config = JSON.parse(process.env.STAND_IN ?? "{}");
/** Resource indicator of the pool's own API: makes oidc-provider issue JWT access tokens. */
const resource = "urn:stand-in:cognito";
/** Groups the test asked for at the login form (`sub#group,group`), by account. */
const groupsBySub = new Map();

const provider = cognitoShapedProvider({
  issuer: config.issuer,
  clients: config.clients,
  privateJwk: config.privateJwk,
  resource,
  accessTokenTtl: config.accessTokenTtl ?? 3600,
  idTokenTtl: 3600,
  interactionTtl: 300,
  account: (sub) => ({ groups: groupsBySub.get(sub) }),
});

const loginPage = (uid) => `<!doctype html><title>Stand-in hosted login</title>
<form method="get" action="/interaction/${uid}"><label>User <input name="login" autofocus></label><button type="submit">Sign in</button></form>`;

/** The hosted login page: whoever the test names signs in (the password and TOTP steps are Cognito's). */
const interaction = async (req, res, url) => {
  const details = await provider.interactionDetails(req, res);
  const login = url.searchParams.get("login");
  if (!login) {
    res.writeHead(200, { "content-type": "text/html" }).end(loginPage(details.uid));
    return;
  }
  const [sub, groups] = login.split("#");
  groupsBySub.set(sub, groups ? groups.split(",") : []);
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  grant.addResourceScope(resource, String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
};

/** Cognito's /logout: a registered client and one of its sign-out URLs, else an error page. */
const logout = (res, url) => {
  const client = config.clients.find((c) => c.client_id === url.searchParams.get("client_id"));
  const target = url.searchParams.get("logout_uri");
  if (!client || !target || !(client.logout_uris ?? []).includes(target)) {
    res.writeHead(400, { "content-type": "text/plain" }).end("invalid logout request");
    return;
  }
  res.writeHead(302, { location: target }).end();
};

const handle = provider.callback();
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://stand-in");
  if (url.pathname.startsWith("/interaction/")) {
    interaction(req, res, url).catch((error) => res.writeHead(400, { "content-type": "text/plain" }).end(String(error.message)));
  } else if (url.pathname === "/logout") {
    logout(res, url);
  } else {
    handle(req, res);
  }
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
// Never outlive the test run: stdin is a pipe from the parent, closed when it exits (even when killed).
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
