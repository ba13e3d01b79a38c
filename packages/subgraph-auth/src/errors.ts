import { GraphQLError } from "graphql";

/** Why an identity assertion was refused (stable names: log and alert on them). */
export type AssertionFailure =
  /** No assertion header on the request. */
  | "MISSING"
  /** Bad signature, wrong issuer or audience, malformed, or a required claim missing. */
  | "INVALID"
  /** Past `exp` (plus the allowed clock skew). */
  | "EXPIRED"
  /** The gateway's keys could not be fetched: nothing could be checked. */
  | "UNVERIFIABLE"
  /** Issued for another operation or other variables than this request carries. */
  | "OPERATION_MISMATCH"
  /** Its `jti` was seen before. */
  | "REPLAYED";

/**
 * The request's identity assertion was refused. A GraphQLError with `extensions.code` UNAUTHENTICATED and
 * HTTP status 401, so Apollo Server and GraphQL Yoga answer it as it is when thrown from the context
 * function; plain servers read `status` and `reason`. The message never says more than "not valid".
 */
export class AssertionRefusedError extends GraphQLError {
  override readonly name = "AssertionRefusedError";
  readonly status = 401;

  constructor(readonly reason: AssertionFailure) {
    super("The identity assertion is not valid.", { extensions: { code: "UNAUTHENTICATED", reason, http: { status: 401 } } });
  }
}

/** A rule needs a signed-in caller and there is none. */
export class UnauthenticatedError extends GraphQLError {
  override readonly name = "UnauthenticatedError";
  constructor() {
    super("Authentication is required.", { extensions: { code: "UNAUTHENTICATED" } });
  }
}

/** The caller is known but not allowed (e.g. not in the group a field needs). */
export class ForbiddenError extends GraphQLError {
  override readonly name = "ForbiddenError";
  constructor() {
    super("You are not allowed to do this.", { extensions: { code: "FORBIDDEN" } });
  }
}
