import { NewPasswordField } from "./password-rules";
import { useServedFeatures } from "./served-features";
import { Button, Field, Form } from "./ui";
import type { AuthFlow, View } from "./use-auth-flow";

const tabs: { view: View; label: string }[] = [
  { view: "signIn", label: "Sign in" },
  { view: "register", label: "Create account" },
  { view: "forgot", label: "Forgot password" },
];

/** Sign in, create an account (and confirm it), or reset a forgotten password. */
export const SignedOutViews = ({ flow }: { flow: AuthFlow }) => {
  const { view, fields: f, errors, busy, policy } = flow;
  const active = view === "confirm" ? "register" : view;
  // Shown until the gateway says passkeys are off (DISABLED_FEATURES), so the button does not jump in late.
  const offersPasskeys = !(useServedFeatures()?.disabledFeatures.includes("passkeys") ?? false);
  return (
    <>
      <nav className="pg-tabs" aria-label="Account">
        {tabs.map((tab) => (
          <button
            key={tab.view}
            type="button"
            className={`pg-tabs__tab${active === tab.view ? " pg-tabs__tab--active" : ""}`}
            data-testid={`tab-${tab.view}`}
            aria-current={active === tab.view ? "page" : undefined}
            onClick={() => flow.go(tab.view)}
          >
            {tab.label}
          </button>
        ))}
      </nav>

      {view === "signIn" && (
        <Form onSubmit={() => void flow.signIn()} testId="sign-in-form">
          <Field label="Email" value={f.email} onChange={f.setEmail} testId="email" autoComplete="username" inputMode="email" error={errors.email} />
          <Field label="Password" type="password" value={f.password} onChange={f.setPassword} testId="password" autoComplete="current-password" error={errors.password} />
          <Button testId="login" type="submit" busy={busy}>
            Sign in
          </Button>
          {offersPasskeys && (
            <>
              <span className="pg-divider">or</span>
              <Button testId="passkey-login" kind="secondary" busy={busy} onClick={() => void flow.signInWithPasskey()}>
                Sign in with a passkey
              </Button>
            </>
          )}
        </Form>
      )}

      {view === "register" && (
        <Form onSubmit={() => void flow.register()} testId="register-form">
          <Field label="Email" value={f.email} onChange={f.setEmail} testId="email" autoComplete="username" inputMode="email" error={errors.email} />
          <NewPasswordField label="Choose a password" value={f.password} onChange={f.setPassword} testId="password" error={errors.password} policy={policy} email={f.email} />
          <Button testId="register" type="submit" busy={busy}>
            Create account
          </Button>
          <Button testId="have-code" kind="link" onClick={() => flow.go("confirm")}>
            I already have a confirmation code
          </Button>
        </Form>
      )}

      {view === "confirm" && (
        <Form onSubmit={() => void flow.confirm()} testId="confirm-form">
          <Field label="Email" value={f.email} onChange={f.setEmail} testId="email" inputMode="email" error={errors.email} />
          <Field label="Confirmation code" value={f.code} onChange={f.setCode} testId="confirm-code" inputMode="numeric" error={errors.code} />
          <Button testId="confirm" type="submit" busy={busy}>
            Confirm email
          </Button>
          <Button testId="resend" kind="link" onClick={() => void flow.resend()}>
            Send a new code
          </Button>
        </Form>
      )}

      {view === "forgot" && (
        <Form onSubmit={() => void flow.forgot()} testId="forgot-form">
          <Field label="Email" value={f.email} onChange={f.setEmail} testId="email" inputMode="email" error={errors.email} />
          {flow.resetCodeSent && (
            <>
              <Field label="Reset code" value={f.code} onChange={f.setCode} testId="reset-code" inputMode="numeric" error={errors.code} />
              <NewPasswordField label="New password" value={f.newPassword} onChange={f.setNewPassword} testId="new-password" error={errors.newPassword} policy={policy} email={f.email} />
            </>
          )}
          <Button testId="forgot" type="submit" busy={busy}>
            {flow.resetCodeSent ? "Set new password" : "Send reset code"}
          </Button>
        </Form>
      )}
    </>
  );
};
