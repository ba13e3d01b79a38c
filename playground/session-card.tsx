import { decodeClaims, groupsOf, type Tokens } from "@hipaa-auth-gateway/client";
import { useEffect, useState } from "react";
import { countdown, groupLabel } from "./friendly";
import { IDLE_TIMEOUT_SECONDS, lastActivityAt } from "./gateway";
import { Button } from "./ui";
import type { AuthFlow } from "./use-auth-flow";

/**
 * Claims worth showing, in the order people look for them (the raw tokens are never shown). They come from the
 * id token: the access token is an opaque gateway handle, and its expiry is `expiresAt` (from expiresIn).
 */
const shownClaims = ["sub", "email", "cognito:groups", "auth_time", "iat", "exp", "token_use", "aud"];
const asTime = (seconds: unknown) => (typeof seconds === "number" ? new Date(seconds * 1000).toLocaleTimeString() : undefined);

const useNow = () => {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
};

/** Who is signed in, with which groups, and how long the token and the session have left. */
export const SessionCard = ({ flow, tokens }: { flow: AuthFlow; tokens: Tokens }) => {
  const now = useNow();
  const claims = decodeClaims(tokens.idToken);
  const email = typeof claims["email"] === "string" ? claims["email"] : "";
  const groups = groupsOf(tokens.idToken);
  const tokenLeft = tokens.expiresAt - now;
  const idleLeft = lastActivityAt() + IDLE_TIMEOUT_SECONDS * 1000 - now;
  const tokenShare = Math.max(0, Math.min(1, tokenLeft / (15 * 60 * 1000)));
  const idleShare = Math.max(0, Math.min(1, idleLeft / (IDLE_TIMEOUT_SECONDS * 1000)));

  // The automatic logoff: the gateway refuses an idle session, and the page lets go of it at the same moment.
  useEffect(() => {
    if (idleLeft <= 0) void flow.logout(`Signed out after ${IDLE_TIMEOUT_SECONDS / 60} minutes without activity (automatic logoff).`);
  }, [idleLeft <= 0]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section className="pg-session" data-testid="session-card">
      <div className="pg-session__who">
        <span className="pg-avatar" aria-hidden="true">
          {(email[0] ?? "?").toUpperCase()}
        </span>
        <div>
          <p className="pg-muted">Signed in as</p>
          <p className="pg-session__email" data-testid="signed-in">
            {email}
          </p>
        </div>
      </div>
      <ul className="pg-chips" data-testid="session-groups" aria-label="Groups">
        {groups.length ? groups.map((g) => <li key={g}>{groupLabel(g)}</li>) : <li className="pg-chips__none">No groups</li>}
      </ul>
      <dl className="pg-meters">
        <div>
          <dt>Access token expires</dt>
          <dd data-testid="token-expiry">{tokenLeft > 0 ? `in ${countdown(tokenLeft)}` : "expired, renewed with your next request"}</dd>
          <meter min={0} max={1} value={tokenShare} aria-label="Access token lifetime left" />
        </div>
        <div>
          <dt title={`Counted from this tab's last request; IDLE_TIMEOUT_SECONDS default ${IDLE_TIMEOUT_SECONDS}`}>Automatic logoff</dt>
          <dd data-testid="idle-left">in {countdown(idleLeft)} without activity</dd>
          <meter min={0} max={1} value={idleShare} low={0.2} optimum={1} aria-label="Idle time left" />
        </div>
      </dl>
      <details className="pg-details" data-testid="claims">
        <summary>Token claims</summary>
        <dl className="pg-claims">
          {shownClaims
            .filter((name) => claims[name] !== undefined)
            .map((name) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{["auth_time", "iat", "exp"].includes(name) ? asTime(claims[name]) : JSON.stringify(claims[name])}</dd>
              </div>
            ))}
        </dl>
      </details>
      <div className="pg-actions">
        <Button testId="refresh" kind="secondary" busy={flow.busy} onClick={() => void flow.refresh()}>
          Refresh tokens
        </Button>
        <Button testId="logout" kind="secondary" busy={flow.busy} onClick={() => void flow.logout()}>
          Sign out
        </Button>
      </div>
    </section>
  );
};
