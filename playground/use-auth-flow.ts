import { AuthGatewayError, type ChallengeStep, type MfaSetupDetails, type PasswordPolicy, type SignInResult, type Tokens } from "@hipaa-auth-gateway/client";
import { useEffect, useRef, useState } from "react";
import { errorsFor, type Answer, type FieldErrors } from "./friendly";
import { auth } from "./gateway";
import type { NoticeState } from "./ui";
import { answerWithPasskey } from "./webauthn";

export type View = "signIn" | "register" | "confirm" | "forgot" | "step" | "signedIn";

/** The panel's state and what each button does, on top of @hipaa-auth-gateway/client. */
export const useAuthFlow = () => {
  const [view, setView] = useState<View>("signIn");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [recoveryCode, setRecoveryCode] = useState("");
  const [resetCodeSent, setResetCodeSent] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<NoticeState>(null);
  const [step, setStep] = useState<ChallengeStep | null>(null);
  const [setup, setSetup] = useState<MfaSetupDetails | null>(null);
  const [tokens, setTokens] = useState<Tokens | null>(null);
  const [policy, setPolicy] = useState<PasswordPolicy | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void auth.passwordPolicy().then(setPolicy, () => setPolicy(null));
    return auth.onTokensChange((next) => {
      setTokens(next);
      if (!next) setView((v) => (v === "signedIn" ? "signIn" : v));
    });
  }, []);

  // Whoever sits down next at a shared workstation should not find the last user's email in the form.
  const wasSignedIn = useRef(false);
  useEffect(() => {
    if (tokens) wasSignedIn.current = true;
    else if (wasSignedIn.current) {
      wasSignedIn.current = false;
      setEmail("");
      setPassword("");
    }
  }, [tokens]);

  /** An error about a field is about the value that was sent: editing the field takes it away. */
  const editing =
    (set: (value: string) => void, field: keyof FieldErrors) =>
    (value: string) => {
      set(value);
      setErrors((current) => {
        if (!current[field]) return current;
        const { [field]: _answered, ...rest } = current;
        return rest;
      });
    };

  const go = (next: View, message: NoticeState = null) => {
    setView(next);
    setErrors({});
    setNotice(message);
    setCode("");
    setRecoveryCode("");
  };

  /** Runs one gateway call: busy while it runs, its errors next to their fields. */
  const attempt = async (action: () => Promise<void>, passwordField: "password" | "newPassword" = "password", answer: Answer = "password") => {
    setBusy(true);
    setErrors({});
    try {
      await action();
    } catch (error) {
      const found = errorsFor(error, policy, passwordField, answer);
      setErrors(found);
      setNotice(found.form ? { kind: "error", text: found.form } : null);
    } finally {
      setBusy(false);
    }
  };

  const follow = async (result: SignInResult) => {
    setCode("");
    setNewPassword("");
    if (result.isSignedIn) {
      setStep(null);
      setSetup(null);
      setPassword("");
      go("signedIn", { kind: "success", text: "You are signed in. Operations in the explorer now carry your access token." });
      return;
    }
    const next = result.nextStep;
    setStep(next);
    setSetup(next.name === "MFA_SETUP" ? await next.beginSetup() : null);
    go("step");
  };

  const startAgain = () => {
    setStep(null);
    setSetup(null);
    setPassword("");
    setNewPassword("");
    go("signIn", { kind: "info", text: "Start again: sign in with your email and password." });
  };

  return {
    view,
    fields: {
      email,
      setEmail: editing(setEmail, "email"),
      password,
      setPassword: editing(setPassword, "password"),
      code,
      setCode: editing(setCode, "code"),
      newPassword,
      setNewPassword: editing(setNewPassword, "newPassword"),
      recoveryCode,
      setRecoveryCode: editing(setRecoveryCode, "recoveryCode"),
    },
    errors,
    notice,
    step,
    setup,
    tokens,
    policy,
    busy,
    resetCodeSent,
    go,
    startAgain,
    register: () =>
      attempt(async () => {
        await auth.register({ email, password });
        go("confirm", { kind: "info", text: `We sent a confirmation code to ${email}. In dev mode the gateway prints it in its console.` });
      }),
    confirm: () =>
      attempt(async () => {
        await auth.confirmSignUp(email, code);
        go("signIn", { kind: "success", text: "Email confirmed. Sign in to set up your authenticator app." });
      }),
    resend: () =>
      attempt(async () => {
        await auth.resendConfirmationCode(email);
        setNotice({ kind: "info", text: "If the account is waiting for confirmation, a new code is on its way." });
      }),
    signIn: () => attempt(async () => follow(await auth.signIn(email, password))),
    submitCode: () =>
      attempt(async () => {
        if (setup) await follow(await setup.submitCode(code));
        else if (step?.name === "SOFTWARE_TOKEN_MFA") await follow(await step.submitCode(code));
      }),
    /** Discoverable: no email, the browser offers the passkeys it holds for this site; tokens land like a password sign-in's. */
    signInWithPasskey: () =>
      attempt(
        async () => {
          const passkeyStep = await auth.beginPasskeyLogin();
          await follow(await passkeyStep.submitPasskey(await answerWithPasskey(passkeyStep.options)));
        },
        "password",
        "passkey",
      ),
    /** The TOTP step exchanged for a passkey step (the TOTP handle is used up), answered at once. */
    usePasskey: () =>
      attempt(
        async () => {
          if (step?.name !== "SOFTWARE_TOKEN_MFA") return;
          const passkeyStep = await step.usePasskey();
          setStep(passkeyStep);
          await follow(await passkeyStep.submitPasskey(await answerWithPasskey(passkeyStep.options)));
        },
        "password",
        "passkey",
      ),
    /** The WEBAUTHN step again (after the browser's prompt was closed). */
    answerPasskey: () =>
      attempt(
        async () => {
          if (step?.name === "WEBAUTHN") await follow(await step.submitPasskey(await answerWithPasskey(step.options)));
        },
        "password",
        "passkey",
      ),
    submitRecoveryCode: () =>
      attempt(
        async () => {
          if (step?.name !== "SOFTWARE_TOKEN_MFA") return;
          try {
            await follow(await step.submitRecoveryCode(recoveryCode.trim().toLowerCase()));
          } catch (error) {
            if (!(error instanceof AuthGatewayError && error.code === "CODE_MISMATCH")) throw error;
            // A wrong code uses the login up at the gateway: every guess costs the password again.
            setStep(null);
            setPassword("");
            go("signIn", { kind: "error", text: "That recovery code is not right or was already used. Each try needs your password again: sign in, then enter another code." });
            return;
          }
          setNotice({ kind: "info", text: "Recovery code accepted (it will not work again). Your other sessions were signed out: set up your authenticator app again to finish." });
        },
        "password",
        "recoveryCode",
      ),
    submitNewPassword: () =>
      attempt(async () => {
        if (step?.name === "NEW_PASSWORD_REQUIRED" || step?.name === "PASSWORD_EXPIRED") await follow(await step.submitNewPassword(newPassword));
      }, "newPassword"),
    forgot: () =>
      attempt(async () => {
        if (!resetCodeSent) {
          await auth.forgotPassword(email);
          setResetCodeSent(true);
          setNotice({ kind: "info", text: `If ${email} has an account, a reset code is on its way.` });
          return;
        }
        await auth.confirmForgotPassword(email, code, newPassword);
        setResetCodeSent(false);
        setNewPassword("");
        go("signIn", { kind: "success", text: "Password changed, and every session of the account ended. Sign in with the new password." });
      }, "newPassword"),
    refresh: () =>
      attempt(async () => {
        await auth.refreshTokens();
        setNotice({ kind: "success", text: `Tokens refreshed at ${new Date().toLocaleTimeString()}.` });
      }),
    logout: (reason = "Signed out. The session ended at the gateway and the refresh token was revoked.") =>
      attempt(async () => {
        await auth.logout();
        go("signIn", { kind: "info", text: reason });
      }),
  };
};

export type AuthFlow = ReturnType<typeof useAuthFlow>;
