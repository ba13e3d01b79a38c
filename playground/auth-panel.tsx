import { ChallengeView } from "./challenge-view";
import { HostedLoginCard } from "./hosted-login-card";
import { PasskeysCard } from "./passkeys-card";
import { RecoveryCodesCard } from "./recovery-codes-card";
import { useServedFeatures } from "./served-features";
import { SessionCard } from "./session-card";
import { SignedOutViews } from "./signed-out-views";
import { Notice } from "./ui";
import type { AuthFlow } from "./use-auth-flow";

/** The left-hand panel: sign-up, sign-in with every challenge the gateway asks for, the session card, passkeys and recovery codes. */
export const AuthPanel = ({ flow }: { flow: AuthFlow }) => {
  const features = useServedFeatures();
  // A card only once the gateway said its feature is on (DISABLED_FEATURES leaves it out of the schema).
  const offers = (feature: string) => features !== undefined && !features.disabledFeatures.includes(feature);
  return (
    <aside className="pg-panel">
      <header className="pg-brand">
        <span className="pg-brand__mark" aria-hidden="true">
          ✚
        </span>
        <div>
          <h1>Auth Gateway</h1>
          <p className="pg-muted">Sign-in with mandatory MFA · development playground</p>
        </div>
      </header>
      <div className="pg-card">
        {flow.view === "signedIn" && flow.tokens ? (
          <SessionCard flow={flow} tokens={flow.tokens} />
        ) : flow.view === "step" ? (
          <ChallengeView flow={flow} />
        ) : (
          <SignedOutViews flow={flow} />
        )}
        <Notice notice={flow.notice} />
      </div>
      <HostedLoginCard signedInHere={flow.view === "signedIn"} />
      {flow.view === "signedIn" && flow.tokens && (
        <>
          {offers("passkeys") && <PasskeysCard />}
          {offers("recovery-codes") && <RecoveryCodesCard />}
        </>
      )}
      <p className="pg-footnote">Tokens stay in this tab's memory only: a reload signs you out.</p>
    </aside>
  );
};
