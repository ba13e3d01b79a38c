import { useEffect, useState } from "react";
import { request } from "./gateway";
import { Button, Field, Form, Notice } from "./ui";
import { CODE_RULE, passkeyFactor, StepUp, validStepUpCode, type FreshFactor } from "./step-up";
import { useCardAction } from "./use-card-action";
import { createPasskey } from "./webauthn";

type PasskeyRow = { id: string; nickname: string; createTime: string; lastUseTime: string | null; deviceType: string; backedUp: boolean };

const LIST = "query Passkeys { passkeys { id nickname createTime lastUseTime deviceType backedUp } }";
const BEGIN = "mutation BeginPasskeyRegistration($code: String, $passkey: String) { beginPasskeyRegistration(code: $code, passkey: $passkey) }";
const COMPLETE = "mutation CompletePasskeyRegistration($response: String!, $nickname: String!) { completePasskeyRegistration(response: $response, nickname: $nickname) { id } }";
const RENAME = "mutation RenamePasskey($id: String!, $nickname: String!, $code: String, $passkey: String) { renamePasskey(id: $id, nickname: $nickname, code: $code, passkey: $passkey) { id } }";
const REMOVE = "mutation RemovePasskey($id: String!, $code: String, $passkey: String) { removePasskey(id: $id, code: $code, passkey: $passkey) }";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");
/** Synced passkeys survive a lost device; device-bound ones (a security key) do not leave it. */
const syncText = (p: PasskeyRow) => (p.backedUp ? "Synced" : p.deviceType === "multiDevice" ? "Can sync, not backed up yet" : "This device only");

const NICKNAME_RULE = "Give it a name of 1 to 64 characters.";
const validNickname = (name: string) => name.trim().length >= 1 && name.trim().length <= 64;

/** The signed-in user's passkeys: list, add (the browser's create prompt), rename, remove. */
export const PasskeysCard = () => {
  const { busy, notice, errors, setErrors, run } = useCardAction();
  const [passkeys, setPasskeys] = useState<PasskeyRow[] | null>(null);
  const [nickname, setNickname] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; nickname: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [code, setCode] = useState("");

  const reload = async () => setPasskeys((await request<{ passkeys: PasskeyRow[] }>(LIST)).passkeys);
  useEffect(() => {
    void run(reload);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  /** The typed code, or nothing (the field's error says why) when it is not six digits. */
  const typedCode = (): FreshFactor | undefined => {
    if (validStepUpCode(code)) return { code: code.trim() };
    setErrors({ code: CODE_RULE });
    return undefined;
  };

  const register = (via: "code" | "passkey") => {
    const name = nickname.trim();
    if (!validNickname(name)) return setErrors({ nickname: NICKNAME_RULE });
    const typed = via === "code" ? typedCode() : undefined;
    if (via === "code" && !typed) return;
    void run(async () => {
      const factor = typed ?? (await passkeyFactor());
      const options = (await request<{ beginPasskeyRegistration: string }>(BEGIN, factor)).beginPasskeyRegistration;
      await request(COMPLETE, { response: await createPasskey(options), nickname: name });
      setNickname("");
      setCode("");
      await reload();
      return `Passkey “${name}” added. Sign in with it alone, or use it instead of the 6-digit code after your password.`;
    }, via === "passkey" ? "passkey" : "password");
  };

  /** A name is how you tell which passkey to remove, so a rename asks for a fresh code (or a passkey) too. */
  const rename = (via: "code" | "passkey") => {
    if (!renaming) return;
    const name = renaming.nickname.trim();
    if (!validNickname(name)) return setErrors({ nickname: NICKNAME_RULE });
    const typed = via === "code" ? typedCode() : undefined;
    if (via === "code" && !typed) return;
    void run(async () => {
      await request(RENAME, { id: renaming.id, nickname: name, ...(typed ?? (await passkeyFactor())) });
      setRenaming(null);
      setCode("");
      await reload();
      return `Renamed to “${name}”.`;
    }, via === "passkey" ? "passkey" : "password");
  };

  const remove = (p: PasskeyRow, via: "code" | "passkey") => {
    const typed = via === "code" ? typedCode() : undefined;
    if (via === "code" && !typed) return;
    void run(async () => {
      await request(REMOVE, { id: p.id, ...(typed ?? (await passkeyFactor())) });
      setRemoving(null);
      setCode("");
      await reload();
      return `Passkey “${p.nickname}” removed. Your other sessions were signed out, in case that device was lost.`;
    }, via === "passkey" ? "passkey" : "password");
  };
  const hasPasskey = (passkeys?.length ?? 0) > 0;

  return (
    <section className="pg-card pg-extra" data-testid="passkeys-card">
      <h2>Passkeys</h2>
      <p className="pg-muted">Sign in with your device's screen lock or a security key instead of a password and code.</p>
      {passkeys && passkeys.length === 0 && (
        <p className="pg-empty" data-testid="passkeys-empty">
          No passkeys yet.
        </p>
      )}
      {passkeys && passkeys.length > 0 && (
        <ul className="pg-list" data-testid="passkey-list">
          {passkeys.map((p) => (
            <li key={p.id} data-testid="passkey" data-nickname={p.nickname}>
              {renaming?.id === p.id ? (
                <Form onSubmit={() => rename("code")}>
                  <Field label="New name" value={renaming.nickname} onChange={(value) => setRenaming({ id: p.id, nickname: value })} testId="passkey-rename-input" error={errors.nickname} />
                  <StepUp code={code} onCode={setCode} onPasskey={() => rename("passkey")} error={errors.code} busy={busy} testId="passkey-rename-step-up" />
                  <div className="pg-actions pg-actions--tight">
                    <Button testId="passkey-rename-save" type="submit" busy={busy}>
                      Save
                    </Button>
                    <Button testId="passkey-rename-cancel" kind="link" onClick={() => setRenaming(null)}>
                      Cancel
                    </Button>
                  </div>
                </Form>
              ) : (
                <>
                  <div className="pg-list__head">
                    <strong data-testid="passkey-nickname">{p.nickname}</strong>
                    <span className={`pg-tag${p.backedUp ? " pg-tag--synced" : ""}`} data-testid="passkey-sync">
                      {syncText(p)}
                    </span>
                  </div>
                  <dl className="pg-list__facts">
                    <dt>Added</dt>
                    <dd data-testid="passkey-created">{when(p.createTime)}</dd>
                    <dt>Last used</dt>
                    <dd data-testid="passkey-last-used">{when(p.lastUseTime)}</dd>
                  </dl>
                  {removing === p.id ? (
                    <div className="pg-confirm" data-testid="passkey-remove-question">
                      <p>Remove “{p.nickname}”? You can no longer sign in with it, and your other sessions end.</p>
                      <StepUp code={code} onCode={setCode} onPasskey={() => remove(p, "passkey")} error={errors.code} busy={busy} testId="passkey-remove-step-up" />
                      <div className="pg-actions pg-actions--tight">
                        <Button testId="passkey-remove-confirm" busy={busy} onClick={() => remove(p, "code")}>
                          Remove
                        </Button>
                        <Button testId="passkey-keep" kind="link" onClick={() => setRemoving(null)}>
                          Keep it
                        </Button>
                      </div>
                    </div>
                  ) : (
                    <div className="pg-actions pg-actions--tight">
                      <Button testId="passkey-rename" kind="secondary" busy={busy} onClick={() => setRenaming({ id: p.id, nickname: p.nickname })}>
                        Rename
                      </Button>
                      <Button testId="passkey-remove" kind="secondary" busy={busy} onClick={() => setRemoving(p.id)}>
                        Remove
                      </Button>
                    </div>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <Form onSubmit={() => register("code")} testId="passkey-register-form">
        <Field label="Name for a new passkey" value={nickname} onChange={setNickname} testId="passkey-nickname-input" error={renaming ? undefined : errors.nickname} hint={<span className="pg-muted">e.g. “Work laptop” or “YubiKey”</span>} />
        {removing === null && renaming === null && <StepUp code={code} onCode={setCode} onPasskey={hasPasskey ? () => register("passkey") : undefined} error={errors.code} busy={busy} testId="passkey-step-up" />}
        <Button testId="passkey-register" type="submit" busy={busy}>
          Add a passkey
        </Button>
      </Form>
      <Notice notice={notice} testId="passkeys-status" />
    </section>
  );
};
