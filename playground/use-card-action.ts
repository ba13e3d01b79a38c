import { useState } from "react";
import { errorsFor, type Answer, type FieldErrors } from "./friendly";
import type { NoticeState } from "./ui";

/**
 * One signed-in card's calls to the gateway: busy while one runs, its outcome in the card's own notice
 * (a success text when the action returns one, the gateway's typed error in words otherwise).
 */
export const useCardAction = () => {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<NoticeState>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  /** `answer`: what the action was proven with (a refused passkey reads differently from a wrong password). */
  const run = async (action: () => Promise<string | void>, answer: Answer = "password") => {
    setBusy(true);
    setErrors({});
    setNotice(null);
    try {
      const done = await action();
      if (done) setNotice({ kind: "success", text: done });
    } catch (error) {
      const found = errorsFor(error, null, "password", answer);
      setErrors(found);
      if (found.form) setNotice({ kind: "error", text: found.form });
    } finally {
      setBusy(false);
    }
  };
  return { busy, notice, errors, setErrors, run };
};
