import { stepText } from "./friendly";
import { NewPasswordField } from "./password-rules";
import { SecretKey } from "./secret-key";
import { Button, Field, Form } from "./ui";
import type { AuthFlow } from "./use-auth-flow";
import { useServedFeatures } from "./served-features";

/** One sign-in step, whatever the gateway asked for, always with a way back to the start. */
export const ChallengeView = ({ flow }: { flow: AuthFlow }) => {
  const { step, setup, fields: f, errors, busy, policy } = flow;
  const features = useServedFeatures();
  if (!step) return null;
  const text = stepText[step.name];
  const asksCode = step.name === "MFA_SETUP" || step.name === "SOFTWARE_TOKEN_MFA";
  const offersPasskey = step.name === "SOFTWARE_TOKEN_MFA" && step.alternatives.includes("WEBAUTHN");
  const asksPassword = step.name === "NEW_PASSWORD_REQUIRED" || step.name === "PASSWORD_EXPIRED";
  const offersRecoveryCode = !(features?.disabledFeatures.includes("recovery-codes") ?? false);
  return (
    <section className="pg-step" data-testid="challenge" data-step={step.name}>
      <h2 data-testid="step-title">{text.title}</h2>
      <p className="pg-muted">{text.hint}</p>

      {setup && (
        <div className="pg-setup">
          <img data-testid="mfa-qr" src={setup.qrCodeDataUrl} alt="QR code to scan with your authenticator app" width={168} height={168} />
          <div>
            <p className="pg-muted">Scan the code, or type this key:</p>
            <SecretKey key={setup.secret} secret={setup.secret} />
            <details className="pg-details">
              <summary>Setup link</summary>
              <p className="pg-uri" data-testid="mfa-uri">
                {setup.otpauthUri}
              </p>
            </details>
          </div>
        </div>
      )}

      {asksCode && (
        <Form onSubmit={() => void flow.submitCode()}>
          <Field label="6-digit code" value={f.code} onChange={f.setCode} testId="mfa-code" inputMode="numeric" autoComplete="one-time-code" error={errors.code} />
          <Button testId="verify" type="submit" busy={busy}>
            {setup ? "Turn on and continue" : "Verify"}
          </Button>
        </Form>
      )}

      {offersPasskey && (
        <div className="pg-alternative">
          <span className="pg-divider">or</span>
          <Button testId="use-passkey" kind="secondary" busy={busy} onClick={() => void flow.usePasskey()}>
            Use a passkey instead
          </Button>
        </div>
      )}

      {step.name === "SOFTWARE_TOKEN_MFA" && offersRecoveryCode && (
        <details className="pg-details" data-testid="recovery">
          <summary>Lost your phone? Use a recovery code</summary>
          <Form onSubmit={() => void flow.submitRecoveryCode()}>
            <Field
              label="Recovery code"
              value={f.recoveryCode}
              onChange={f.setRecoveryCode}
              testId="recovery-code"
              autoComplete="off"
              error={errors.recoveryCode}
              hint={<span className="pg-muted">Each code works once. You then set up your authenticator app again, and your other sessions end.</span>}
            />
            <Button testId="submit-recovery-code" kind="secondary" type="submit" busy={busy}>
              Use recovery code
            </Button>
          </Form>
        </details>
      )}

      {step.name === "WEBAUTHN" && (
        <Button testId="answer-passkey" busy={busy} onClick={() => void flow.answerPasskey()}>
          Use your passkey
        </Button>
      )}

      {asksPassword && (
        <Form onSubmit={() => void flow.submitNewPassword()}>
          <NewPasswordField label="New password" value={f.newPassword} onChange={f.setNewPassword} testId="new-password" error={errors.newPassword} policy={policy} email={f.email} />
          <Button testId="choose-password" type="submit" busy={busy}>
            Save password
          </Button>
        </Form>
      )}

      <Button testId="start-again" kind="link" onClick={flow.startAgain}>
        Start again
      </Button>
    </section>
  );
};
