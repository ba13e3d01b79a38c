/**
 * A small passkey page (served at /passkeys.html in dev): register a passkey, sign in with it alone or as
 * the second factor after a password, list and remove passkeys — in a real browser, through
 * @simplewebauthn/browser. Kept apart from the main playground while that is rewritten; its functions are
 * on `window.passkeyDemo` for the browser test, and the buttons call the same functions.
 */
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";

type Payload = { tokens: { accessToken: string } | null; challenge: { name: string; session: string; alternatives: string[] } | null };
const payload = "{ tokens { accessToken } challenge { name session alternatives } }";

const gql = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> => {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new Error(body.errors[0]?.extensions?.code ?? "ERROR");
  return body.data as T;
};

const status = (text: string) => {
  const el = document.getElementById("status");
  if (el) el.textContent = text;
};

let token: string | undefined;

const demo = {
  setToken(value: string | undefined) {
    token = value;
    status(value ? "Signed in" : "Signed out");
  },
  async register(nickname: string): Promise<string> {
    const { beginPasskeyRegistration } = await gql<{ beginPasskeyRegistration: string }>("mutation { beginPasskeyRegistration }", {}, token);
    const response = await startRegistration({ optionsJSON: JSON.parse(beginPasskeyRegistration) });
    const { completePasskeyRegistration } = await gql<{ completePasskeyRegistration: { id: string } }>(
      "mutation($r: String!, $n: String!) { completePasskeyRegistration(response: $r, nickname: $n) { id } }",
      { r: JSON.stringify(response), n: nickname },
      token,
    );
    status(`Passkey registered: ${nickname}`);
    return completePasskeyRegistration.id;
  },
  async list(): Promise<{ id: string; nickname: string; lastUsedAt: string | null }[]> {
    return (await gql<{ passkeys: { id: string; nickname: string; lastUsedAt: string | null }[] }>("{ passkeys { id nickname lastUsedAt } }", {}, token)).passkeys;
  },
  async remove(id: string): Promise<void> {
    await gql("mutation($id: String!) { removePasskey(id: $id) }", { id }, token);
    status("Passkey removed");
  },
  async signOut(): Promise<void> {
    await gql("mutation { logout }", {}, token);
    demo.setToken(undefined);
  },
  /** Discoverable sign-in: no email, the authenticator offers its passkey. */
  async signInWithPasskey(): Promise<Payload> {
    const { beginPasskeyLogin } = await gql<{ beginPasskeyLogin: { options: string; session: string } }>("mutation { beginPasskeyLogin { options session } }");
    const response = await startAuthentication({ optionsJSON: JSON.parse(beginPasskeyLogin.options) });
    const { completePasskeyLogin } = await gql<{ completePasskeyLogin: Payload }>(`mutation($s: String!, $r: String!) { completePasskeyLogin(session: $s, response: $r) ${payload} }`, { s: beginPasskeyLogin.session, r: JSON.stringify(response) });
    demo.setToken(completePasskeyLogin.tokens?.accessToken);
    return completePasskeyLogin;
  },
  /** Password first; when the MFA step offers WEBAUTHN, the passkey answers it. */
  async signInWithPasswordThenPasskey(email: string, password: string): Promise<Payload> {
    const { login } = await gql<{ login: Payload }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) ${payload} }`, { e: email, p: password });
    if (!login.challenge?.alternatives.includes("WEBAUTHN")) throw new Error("NO_PASSKEY_OFFERED");
    const { beginPasskeyMfa } = await gql<{ beginPasskeyMfa: { options: string; session: string } }>("mutation($s: String!) { beginPasskeyMfa(session: $s) { options session } }", { s: login.challenge.session });
    const response = await startAuthentication({ optionsJSON: JSON.parse(beginPasskeyMfa.options) });
    const { respondWithPasskey } = await gql<{ respondWithPasskey: Payload }>(`mutation($s: String!, $r: String!) { respondWithPasskey(session: $s, response: $r) ${payload} }`, { s: beginPasskeyMfa.session, r: JSON.stringify(response) });
    demo.setToken(respondWithPasskey.tokens?.accessToken);
    return respondWithPasskey;
  },
};

declare global {
  interface Window {
    passkeyDemo: typeof demo;
  }
}
window.passkeyDemo = demo;

const input = (id: string) => (document.getElementById(id) as HTMLInputElement | null)?.value ?? "";
const on = (id: string, run: () => Promise<unknown>) =>
  document.getElementById(id)?.addEventListener("click", () => void run().catch((error: unknown) => status(`Failed: ${error instanceof Error ? error.message : "error"}`)));
on("register", () => demo.register(input("nickname") || "Passkey"));
on("sign-in", () => demo.signInWithPasskey());
on("sign-in-password", () => demo.signInWithPasswordThenPasskey(input("email"), input("password")));
on("sign-out", () => demo.signOut());
on("list", async () => {
  const list = document.getElementById("passkeys");
  if (list) list.textContent = (await demo.list()).map((p) => `${p.nickname} (${p.id.slice(0, 8)}…, last used ${p.lastUsedAt ?? "never"})`).join("\n");
});
