import type { ReactNode } from "react";

type FieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  type?: string;
  error?: string | undefined;
  autoComplete?: string;
  inputMode?: "numeric" | "email" | "text";
  hint?: ReactNode;
};

/** A labelled input with its error right under it (announced to screen readers). */
export const Field = ({ label, value, onChange, testId, type = "text", error, autoComplete = "off", inputMode, hint }: FieldProps) => (
  <label className={`pg-field${error ? " pg-field--invalid" : ""}`}>
    <span className="pg-field__label">{label}</span>
    <input
      data-testid={testId}
      type={type}
      value={value}
      autoComplete={autoComplete}
      inputMode={inputMode}
      aria-invalid={error ? true : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
    {hint}
    {error && (
      <span className="pg-field__error" role="alert" data-testid={`${testId}-error`}>
        {error}
      </span>
    )}
  </label>
);

type ButtonProps = { onClick?: () => void; children: ReactNode; testId: string; kind?: "primary" | "secondary" | "link"; busy?: boolean; type?: "button" | "submit" };

export const Button = ({ onClick, children, testId, kind = "primary", busy = false, type = "button" }: ButtonProps) => (
  <button type={type} className={`pg-button pg-button--${kind}`} data-testid={testId} disabled={busy} onClick={type === "button" ? onClick : undefined}>
    {children}
  </button>
);

/** A form that submits on Enter and never reloads the page. */
export const Form = ({ onSubmit, children, testId }: { onSubmit: () => void; children: ReactNode; testId?: string }) => (
  <form
    className="pg-form"
    data-testid={testId}
    noValidate
    onSubmit={(e) => {
      e.preventDefault();
      onSubmit();
    }}
  >
    {children}
  </form>
);

export type NoticeKind = "info" | "success" | "error";
export type NoticeState = { kind: NoticeKind; text: string } | null;

export const Notice = ({ notice, testId = "status" }: { notice: NoticeState; testId?: string }) =>
  notice ? (
    <p className={`pg-notice pg-notice--${notice.kind}`} data-testid={testId} role={notice.kind === "error" ? "alert" : "status"}>
      {notice.text}
    </p>
  ) : (
    <p className="pg-notice pg-notice--empty" data-testid={testId} />
  );
