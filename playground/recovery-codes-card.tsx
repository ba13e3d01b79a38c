import { useEffect, useState } from "react";
import { request } from "./gateway";
import { Button, Notice } from "./ui";
import { CODE_RULE, passkeyFactor, StepUp, validStepUpCode } from "./step-up";
import { useCardAction } from "./use-card-action";

const LEFT = "query RecoveryCodesLeft { recoveryCodesLeft }";
const GENERATE = "mutation GenerateRecoveryCodes($code: String, $passkey: String) { generateRecoveryCodes(code: $code, passkey: $passkey) }";
const HAS_PASSKEY = "query Passkeys { passkeys { id } }";

const leftText = (left: number) => (left === 0 ? "You have no recovery codes." : left === 1 ? "1 unused code left." : `${left} unused codes left.`);

/** How many recovery codes are left, and a new set of ten, shown once (the old set stops working). */
export const RecoveryCodesCard = () => {
  const { busy, notice, errors, setErrors, run } = useCardAction();
  const [code, setCode] = useState("");
  const [hasPasskey, setHasPasskey] = useState(false);
  const [left, setLeft] = useState<number | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    void run(async () => setLeft((await request<{ recoveryCodesLeft: number }>(LEFT)).recoveryCodesLeft));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  /** Asks for the authenticator first; whether a passkey can answer instead is looked up then. */
  const confirm = () =>
    void run(async () => {
      setConfirming(true);
      setHasPasskey((await request<{ passkeys: { id: string }[] }>(HAS_PASSKEY)).passkeys.length > 0);
    });

  const generate = (via: "code" | "passkey") => {
    if (via === "code" && !validStepUpCode(code)) return setErrors({ code: CODE_RULE });
    void run(async () => {
      const factor = via === "code" ? { code: code.trim() } : await passkeyFactor();
      const fresh = (await request<{ generateRecoveryCodes: string[] }>(GENERATE, factor)).generateRecoveryCodes;
      setCodes(fresh);
      setLeft(fresh.length);
      setConfirming(false);
      setCode("");
    }, via === "passkey" ? "passkey" : "password");
  };

  const copy = () =>
    void run(async () => {
      await navigator.clipboard.writeText((codes ?? []).join("\n"));
      return "Copied. Keep them somewhere safe, away from this device.";
    });

  return (
    <section className="pg-card pg-extra" data-testid="recovery-card">
      <h2>Recovery codes</h2>
      <p className="pg-muted">For a lost authenticator app: a code replaces the 6-digit code once, then you set up the app again.</p>
      <p className="pg-extra__status" data-testid="recovery-left">
        {left === null ? "…" : leftText(left)}
      </p>

      {codes ? (
        <div className="pg-codes" data-testid="recovery-codes">
          <p className="pg-warning" role="alert">
            Save these {codes.length} codes now: they are shown only this once. Any codes you had before no longer work.
          </p>
          <ol className="pg-codes__list" data-testid="recovery-code-list">
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ol>
          <div className="pg-actions pg-actions--tight">
            <Button testId="recovery-copy" kind="secondary" busy={busy} onClick={copy}>
              Copy
            </Button>
            <Button testId="recovery-done" kind="secondary" onClick={() => setCodes(null)}>
              I saved them
            </Button>
          </div>
        </div>
      ) : confirming ? (
        <div className="pg-confirm" data-testid="recovery-confirm">
          {left ? (
            <p className="pg-warning">
              Your {left} current {left === 1 ? "code stops" : "codes stop"} working as soon as the new ones are made.
            </p>
          ) : null}
          <StepUp code={code} onCode={setCode} onPasskey={hasPasskey ? () => generate("passkey") : undefined} error={errors.code} busy={busy} testId="recovery-step-up" />
          <div className="pg-actions pg-actions--tight">
            <Button testId="recovery-generate-confirm" busy={busy} onClick={() => generate("code")}>
              {left ? "Replace my codes" : "Make my codes"}
            </Button>
            <Button testId="recovery-cancel" kind="link" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <Button testId="recovery-generate" kind="secondary" busy={busy || left === null} onClick={confirm}>
          Generate new codes
        </Button>
      )}
      <Notice notice={notice} testId="recovery-status" />
    </section>
  );
};
