import { useEffect, useRef, useState, type ReactNode } from "react";
import { describeError, graphql, session, setSession, type GraphQLResult } from "./api";

type Challenge = { name: "MFA_SETUP" | "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED" | "PASSWORD_EXPIRED"; session: string };
type Tokens = { accessToken: string; refreshToken: string | null; expiresIn: number };
type Payload = { tokens: Tokens | null; challenge: Challenge | null };
type Setup = { secret: string; otpauthUri: string; qrCodeDataUrl: string; session: string };

const PAYLOAD = "tokens { accessToken refreshToken expiresIn } challenge { name session }";

const Field = ({ label, value, onChange, type = "text", testId }: { label: string; value: string; onChange: (v: string) => void; type?: string; testId: string }) => (
  <label className="pg-field">
    <span>{label}</span>
    <input data-testid={testId} type={type} value={value} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
  </label>
);

const Button = ({ onClick, children, testId }: { onClick: () => void; children: ReactNode; testId: string }) => (
  <button type="button" data-testid={testId} onClick={onClick}>
    {children}
  </button>
);

/** Runs register → confirm → login → MFA, keeps the tokens in memory and refreshes them before they expire. */
export const AuthPanel = ({ onSignedIn }: { onSignedIn: (signedIn: boolean) => void }) => {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [status, setStatus] = useState("Register, or log in with an existing account.");
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [who, setWho] = useState<string | null>(null);
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>();

  const report = (result: GraphQLResult<unknown>, ok: string) => {
    const error = describeError(result);
    setStatus(error ?? ok);
    return error === null;
  };

  const signedIn = async (tokens: Tokens) => {
    setSession({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? session()?.refreshToken ?? null, expiresIn: tokens.expiresIn });
    setChallenge(null);
    setSetup(null);
    setCode("");
    const me = await graphql<{ me: { email: string } }>("{ me { email } }");
    setWho(me.data?.me.email ?? null);
    setStatus("Signed in. The GraphQL tabs on the right now send your access token.");
    onSignedIn(true);
    clearTimeout(refreshTimer.current);
    // Refresh a minute before the access token expires.
    refreshTimer.current = setTimeout(() => void refresh(), Math.max(5, tokens.expiresIn - 60) * 1000);
  };

  const next = async (payload: Payload | undefined | null) => {
    if (!payload) return;
    if (payload.tokens) return signedIn(payload.tokens);
    const step = payload.challenge;
    setChallenge(step);
    setCode("");
    if (step?.name === "MFA_SETUP") {
      const result = await graphql<{ beginMfaSetup: Setup }>("mutation($s: String!) { beginMfaSetup(session: $s) { secret otpauthUri qrCodeDataUrl session } }", { s: step.session });
      if (report(result, "Scan the QR code (or type the secret) in an authenticator app, then enter its code.")) setSetup(result.data?.beginMfaSetup ?? null);
    } else if (step) {
      setStatus(
        step.name === "SOFTWARE_TOKEN_MFA"
          ? "Enter the code from your authenticator app."
          : step.name === "PASSWORD_EXPIRED"
            ? "Your password has expired: choose a new one."
            : "Choose your own password to replace the temporary one.",
      );
    }
  };

  const register = async () => {
    const result = await graphql("mutation($i: RegisterInput!) { register(input: $i) { accepted } }", { i: { email, password } });
    report(result, "Registered. Enter the confirmation code (dev mode prints it in the gateway's console).");
  };
  const confirm = async () => report(await graphql("mutation($e: String!, $c: String!) { confirmSignUp(email: $e, code: $c) }", { e: email, c: code }), "Confirmed. Now log in.");
  const login = async () => {
    const result = await graphql<{ login: Payload }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${PAYLOAD} } }`, { e: email, p: password });
    if (report(result, "")) await next(result.data?.login);
  };
  const verify = async () => {
    if (!challenge) return;
    const [field, handle] = setup ? ["completeMfaSetup", setup.session] : ["respondToMfa", challenge.session];
    const result = await graphql<Record<string, Payload>>(`mutation($s: String!, $c: String!) { ${field}(session: $s, code: $c) { ${PAYLOAD} } }`, { s: handle, c: code });
    if (report(result, "")) await next(result.data?.[field]);
  };
  const choosePassword = async () => {
    if (!challenge) return;
    const field = challenge.name === "PASSWORD_EXPIRED" ? "completeExpiredPassword" : "completeNewPassword";
    const result = await graphql<Record<string, Payload>>(`mutation($s: String!, $p: String!) { ${field}(session: $s, newPassword: $p) { ${PAYLOAD} } }`, { s: challenge.session, p: newPassword });
    if (report(result, "")) await next(result.data?.[field]);
  };
  const refresh = async () => {
    const token = session()?.refreshToken;
    if (!token) return;
    const result = await graphql<{ refreshTokens: Payload }>(`mutation($r: String!) { refreshTokens(refreshToken: $r) { ${PAYLOAD} } }`, { r: token });
    if (result.data?.refreshTokens.tokens) await signedIn(result.data.refreshTokens.tokens);
    else signOut(describeError(result) ?? "Session ended.");
  };
  const signOut = (message: string) => {
    clearTimeout(refreshTimer.current);
    setSession(null);
    setWho(null);
    onSignedIn(false);
    setStatus(message);
  };
  const logout = async () => {
    await graphql("mutation($r: String) { logout(refreshToken: $r) }", { r: session()?.refreshToken ?? null });
    signOut("Logged out: the session ended at the gateway and the refresh token was revoked.");
  };

  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  return (
    <aside className="pg-panel">
      <h1>Auth Gateway</h1>
      <p className="pg-status" data-testid="status">{status}</p>
      {who ? (
        <section>
          <p data-testid="signed-in">
            Signed in as <strong>{who}</strong>
          </p>
          <Button testId="refresh" onClick={() => void refresh()}>Refresh tokens</Button>
          <Button testId="logout" onClick={() => void logout()}>Log out</Button>
        </section>
      ) : challenge ? (
        <section>
          <h2>{challenge.name.replace(/_/g, " ").toLowerCase()}</h2>
          {setup && (
            <div className="pg-setup">
              <img data-testid="mfa-qr" src={setup.qrCodeDataUrl} alt="QR code for your authenticator app" width={180} height={180} />
              <p>
                Secret: <code data-testid="mfa-secret">{setup.secret}</code>
              </p>
              <p className="pg-uri" data-testid="mfa-uri">{setup.otpauthUri}</p>
            </div>
          )}
          {challenge.name === "NEW_PASSWORD_REQUIRED" || challenge.name === "PASSWORD_EXPIRED" ? (
            <>
              <Field label="New password" type="password" value={newPassword} onChange={setNewPassword} testId="new-password" />
              <Button testId="choose-password" onClick={() => void choosePassword()}>Set password</Button>
            </>
          ) : (
            <>
              <Field label="6-digit code" value={code} onChange={setCode} testId="mfa-code" />
              <Button testId="verify" onClick={() => void verify()}>Verify</Button>
            </>
          )}
        </section>
      ) : (
        <section>
          <Field label="Email" value={email} onChange={setEmail} testId="email" />
          <Field label="Password" type="password" value={password} onChange={setPassword} testId="password" />
          <Button testId="register" onClick={() => void register()}>Register</Button>
          <Button testId="login" onClick={() => void login()}>Log in</Button>
          <Field label="Confirmation code" value={code} onChange={setCode} testId="confirm-code" />
          <Button testId="confirm" onClick={() => void confirm()}>Confirm</Button>
        </section>
      )}
    </aside>
  );
};
