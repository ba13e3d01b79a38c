import { isErrorCode, type ErrorCode, type ErrorReason } from "./error-codes";

/** One unmet input rule, as BAD_USER_INPUT lists them (`field` is the argument path, never its value). */
export type FieldProblem = { field: string; rules: string[] };

/** What the gateway sends in `extensions` besides `code`; every field is optional. */
export type ErrorDetails = {
  /** One of ERROR_REASONS, or one a newer gateway added (`string & {}` keeps the known ones suggested). */
  reason?: ErrorReason | (string & {});
  /** PASSWORD_POLICY_VIOLATION: the ids of every unmet rule (see `passwordPolicy()` for their descriptions). */
  rules?: string[];
  /** BAD_USER_INPUT: which arguments failed which rules. */
  fields?: FieldProblem[];
  /** ACCOUNT_LOCKED: when the lock lifts by itself. */
  retryAfterSeconds?: number;
};

/** An error the gateway answered with: `code` is one of its public codes, `message` is safe to show. */
export class AuthGatewayError extends Error {
  override readonly name = "AuthGatewayError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    /** HTTP status of the answer (401 for a refused bearer token). */
    readonly status?: number,
  ) {
    super(message);
  }

  get reason(): string | undefined {
    return this.details.reason;
  }
}

/** The gateway could not be reached or did not answer with GraphQL (offline, proxy page, timeout). */
export class GatewayUnreachableError extends Error {
  override readonly name = "GatewayUnreachableError";
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor -- states the public signature: a message is required.
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

type WireError = { message?: unknown; extensions?: Record<string, unknown> };

const asStringArray = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined);

const asFieldProblems = (value: unknown): FieldProblem[] | undefined =>
  Array.isArray(value)
    ? value.flatMap((item: unknown) => {
        const { field, rules } = (item ?? {}) as { field?: unknown; rules?: unknown };
        return typeof field === "string" ? [{ field, rules: asStringArray(rules) ?? [] }] : [];
      })
    : undefined;

/** A typed error from the first entry of a GraphQL `errors` array (codes we do not know are masked). */
export const errorFromWire = (error: WireError | undefined, status?: number): AuthGatewayError => {
  const extensions = error?.extensions ?? {};
  const code = isErrorCode(extensions["code"]) ? extensions["code"] : "INTERNAL_SERVER_ERROR";
  const message = typeof error?.message === "string" ? error.message : "The gateway answered with an error.";
  const details: ErrorDetails = {};
  if (typeof extensions["reason"] === "string") details.reason = extensions["reason"];
  const rules = asStringArray(extensions["rules"]);
  if (rules) details.rules = rules;
  const fields = asFieldProblems(extensions["fields"]);
  if (fields) details.fields = fields;
  if (typeof extensions["retryAfterSeconds"] === "number") details.retryAfterSeconds = extensions["retryAfterSeconds"];
  return new AuthGatewayError(code, message, details, status);
};

/** True when the error is the gateway refusing an access token only because it expired (refresh, then retry). */
export const isExpiredToken = (error: unknown): boolean =>
  error instanceof AuthGatewayError && error.code === "UNAUTHENTICATED" && error.reason === "TOKEN_EXPIRED";

/** True when the signed-in session is over for good (sign in again): refresh cannot help. */
export const isSessionOver = (error: unknown): boolean =>
  error instanceof AuthGatewayError && (error.code === "UNAUTHENTICATED" || error.code === "SESSION_EXPIRED" || error.code === "FORBIDDEN");
