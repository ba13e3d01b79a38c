import { request } from "./gateway";
import { Button, Field } from "./ui";
import { answerWithPasskey } from "./webauthn";

/** What a sensitive change sends with it: a fresh code, or a passkey's answer to beginPasskeyStepUp. */
export type FreshFactor = { code: string } | { passkey: string };

const BEGIN_STEP_UP = "mutation BeginPasskeyStepUp { beginPasskeyStepUp }";

export const CODE_RULE = "Confirm with your authenticator: enter the 6 digits your app shows now.";
export const validStepUpCode = (code: string) => /^\d{6}$/.test(code.trim());

/** The browser's passkey prompt for this session's step-up challenge. */
export const passkeyFactor = async (): Promise<FreshFactor> => ({
  passkey: await answerWithPasskey((await request<{ beginPasskeyStepUp: string }>(BEGIN_STEP_UP)).beginPasskeyStepUp),
});

type StepUpProps = { code: string; onCode: (code: string) => void; onPasskey?: (() => void) | undefined; error?: string | undefined; busy: boolean; testId: string };

/**
 * "Confirm with your authenticator": every change of how one signs in (or of the email) carries a fresh code
 * or a passkey in its own request; a session that signed in a minute ago proves nothing here.
 */
export const StepUp = ({ code, onCode, onPasskey, error, busy, testId }: StepUpProps) => (
  <div className="pg-step-up" data-testid={testId}>
    <p className="pg-step-up__title">Confirm with your authenticator</p>
    <Field label="6-digit code from your authenticator app" value={code} onChange={onCode} testId={`${testId}-code`} inputMode="numeric" autoComplete="one-time-code" error={error} />
    {onPasskey && (
      <Button testId={`${testId}-passkey`} kind="link" busy={busy} onClick={onPasskey}>
        Use a passkey instead
      </Button>
    )}
  </div>
);
