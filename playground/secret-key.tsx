import { useState } from "react";

/** Groups of four, as authenticator apps show them; the text itself stays the bare key (what a copy pastes). */
const groupsOf = (secret: string, size = 4): string[] => secret.match(new RegExp(`.{1,${size}}`, "g")) ?? [];

/** The authenticator key for people who cannot scan: readable in groups, wrapped only between them, and a copy button. */
export const SecretKey = ({ secret }: { secret: string }) => {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = () =>
    void navigator.clipboard.writeText(secret).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  return (
    <>
      <div className="pg-secret-row">
        <code className="pg-secret" data-testid="mfa-secret" aria-label="Authenticator key">
          {groupsOf(secret).map((group, index) => (
            <span key={index} className="pg-secret__group">
              {group}
            </span>
          ))}
        </code>
        <button type="button" className="pg-button pg-button--secondary" data-testid="copy-secret" onClick={copy}>
          Copy key
        </button>
      </div>
      {copied && (
        <p className="pg-muted" role="status" data-testid="copy-secret-status">
          {copied === "yes" ? "Key copied. Paste it into your authenticator app." : "This browser did not allow copying: select the key and copy it yourself."}
        </p>
      )}
    </>
  );
};
