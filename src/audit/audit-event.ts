/** Every authentication event the gateway records. Names are stable: auditors query by them. */
export const auditEventTypes = [
  "REGISTER",
  "CONFIRM_SIGN_UP",
  "RESEND_CONFIRMATION_CODE",
  "LOGIN",
  "OAUTH_LOGIN",
  "MFA_SETUP_BEGIN",
  "MFA_SETUP_COMPLETE",
  "MFA_CHALLENGE",
  "TOKEN_REFRESH",
  "LOGOUT",
  "TOKEN_REJECTED",
  "PERMISSION_DENIED",
  "NEW_PASSWORD",
  "PASSWORD_RESET_REQUEST",
  "PASSWORD_RESET",
  "PASSWORD_CHANGE",
  "MFA_RESET_BEGIN",
  "PROFILE_UPDATE",
  "EMAIL_CHANGE_REQUEST",
  "EMAIL_CHANGE",
  "EMAIL_CHANGE_UNDO",
  "SESSIONS_LIST",
  "LOGOUT_EVERYWHERE",
  "ADMIN_CREATE_USER",
  "ADMIN_DISABLE_USER",
  "ADMIN_ENABLE_USER",
  "ADMIN_ADD_TO_GROUP",
  "ADMIN_REMOVE_FROM_GROUP",
  "ADMIN_GLOBAL_SIGN_OUT",
  "ADMIN_RESET_MFA",
  "ADMIN_LIST_USERS",
  "ADMIN_UNLOCK_USER",
  "LOCKOUT",
  "IDLE_TIMEOUT",
  "PASSWORD_EXPIRED_CHANGE",
  "RATE_LIMITED",
  "REQUEST_REFUSED",
  "LOG_TAIL_TRUNCATED",
  "LOG_CONTINUED",
  "AUDIT_READ",
  "AUDIT_ARCHIVE",
  "PASSKEY_REGISTER_BEGIN",
  "PASSKEY_REGISTER",
  "PASSKEY_RENAME",
  "PASSKEY_REMOVE",
  "PASSKEY_LOGIN_BEGIN",
  "PASSKEY_LOGIN",
  "PASSKEY_MFA_BEGIN",
  "PASSKEY_MFA",
  "PASSKEY_REFUSED",
  "ADMIN_LIST_PASSKEYS",
  "ADMIN_REMOVE_PASSKEY",
  "RECOVERY_CODES_GENERATE",
  "RECOVERY_CODE_LOGIN",
  "EMERGENCY_ACCESS_REQUEST",
  "EMERGENCY_ACCESS_USED",
  "EMERGENCY_ACCESS_END",
  "EMERGENCY_ACCESS_REVIEW",
  "EMERGENCY_ACCESS_LIST",
  "EMERGENCY_ACCESS_ESCALATION",
  "EMERGENCY_ALERT_DEAD_LETTER",
  "SECURITY_NOTICE_DEAD_LETTER",
] as const;

export type AuditEventType = (typeof auditEventTypes)[number];

/** INTENT is written before an operation acts; one of the others after it. */
export type AuditOutcome = "INTENT" | "SUCCESS" | "FAILURE" | "CHALLENGE";

/** Who asked, from where. Never a token, password, code, email or GraphQL variables. */
export type RequestMeta = { requestId: string; ip: string | undefined; userAgent: string | undefined };

export type AuditEvent = {
  event: AuditEventType;
  outcome: AuditOutcome;
  /** Public error code or challenge name explaining the outcome. */
  reason?: string;
  /** The account's `sub`, when known. */
  subject?: string;
  /** The administrator's `sub`, for admin actions. */
  actor?: string;
  sessionId?: string;
  clientId?: string;
  /** Operation or field name, for permission denials. */
  target?: string;
  /** Aggregated records (rejected tokens, throttled attempts): how many in the interval, first and last time. */
  count?: number;
  firstAt?: string;
  lastAt?: string;
  /** LOG_TAIL_TRUNCATED: SHA-256 and length of the torn bytes moved aside. */
  digest?: string;
  bytes?: number;
  /** LOG_TAIL_TRUNCATED: the set-aside file's name (beside the log). */
  file?: string;
  /** LOG_CONTINUED (first record of a rotated, emptied or recreated file): the file before it. */
  previousFirstHash?: string | undefined;
  previousLastHash?: string;
  previousRecords?: number;
  /** EMERGENCY_*: the emergency grant the event belongs to (never its reason). */
  grantId?: string;
};

export type AuditRecord = AuditEvent & { time: string; requestId: string; ip: string | null; userAgent: string | null };
