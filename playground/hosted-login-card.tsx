import { useEffect, useState } from "react";
import { servedFeatures } from "./served-features";

type CookieUser = { sub: string; email: string; memberOf: string[] };

/** Who the browser's hosted-login cookie signs in (the page sends no token: the cookie travels by itself). */
const cookieUser = async (): Promise<CookieUser | null> => {
  const response = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ me { sub email memberOf } }" }) });
  const body = (await response.json().catch(() => ({}))) as { data?: { me?: CookieUser } | null };
  return body.data?.me ?? null;
};

/**
 * Hosted login (the backend-for-frontend cookie flow): a link to /auth/login when the gateway offers it, and
 * once back, who the cookie signs in, with the form that ends that session (POST /auth/logout).
 */
export const HostedLoginCard = ({ signedInHere }: { signedInHere: boolean }) => {
  const [offered, setOffered] = useState(false);
  const [user, setUser] = useState<CookieUser | null>(null);
  useEffect(() => {
    void servedFeatures().then((features) => setOffered(features.hostedLogin));
    void cookieUser().then(setUser, () => setUser(null));
  }, []);
  if (!offered || signedInHere) return null;
  return (
    <div className="pg-card" data-testid="hosted-login-card">
      {user ? (
        <>
          <h2>Signed in with hosted login</h2>
          <p className="pg-muted" data-testid="hosted-login-user">
            {user.email} · groups: {user.memberOf.length > 0 ? user.memberOf.map((g) => g.toLowerCase()).join(", ") : "none"}
          </p>
          <p className="pg-muted">The browser holds only an HttpOnly session cookie; the explorer's operations carry it.</p>
          <form method="post" action="/auth/logout">
            <button type="submit" className="pg-button pg-button--secondary" data-testid="hosted-logout">
              Sign out (hosted login)
            </button>
          </form>
        </>
      ) : (
        <>
          <h2>Hosted login</h2>
          <p className="pg-muted">The OAuth 2.0 code flow through the pool's hosted page (in dev mode, a local one): password and authenticator code there, a session cookie here.</p>
          <a className="pg-button pg-button--primary" style={{ display: "inline-block", textDecoration: "none" }} href="/auth/login" data-testid="hosted-login">
            Sign in with hosted login
          </a>
        </>
      )}
    </div>
  );
};
