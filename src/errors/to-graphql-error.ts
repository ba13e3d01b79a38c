import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import { ErrorCode, GatewayError, messageFor } from "./error-codes";

type FieldProblem = { field: string; rules: string[] };

type ValidationNode = { property: string; constraints?: Record<string, string>; children?: ValidationNode[] };

/** type-graphql/class-validator errors → the fields and rule names, never the offending value. */
const fieldProblems = (errors: readonly ValidationNode[], prefix = ""): FieldProblem[] =>
  errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, rules: Object.keys(e.constraints) }] : [];
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });

/** Apollo's request-level codes whose messages may quote the document or variable values. */
const apolloCodes = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** Validation messages that are pure schema facts (no quoted input) may stay as they are. */
const quotesInput = /found|cannot represent|invalid value|Expected value|got |Syntax Error/i;

const variableName = /Variable "\$([A-Za-z_][A-Za-z0-9_]*)"/;

const scrubApolloError = (formatted: GraphQLFormattedError, code: string): GraphQLFormattedError => {
  const { locations, path } = formatted;
  const publicCode = code in ErrorCode ? code : ErrorCode.BAD_REQUEST;
  let message = formatted.message;
  if (quotesInput.test(message)) {
    const variable = variableName.exec(message)?.[1];
    message = variable
      ? `Variable "$${variable}" has an invalid value.`
      : messageFor(publicCode as ErrorCode);
  }
  return { message, locations, path, extensions: { code: publicCode } };
};

/** The error we threw, under graphql-js's and Apollo's wrappers (resolver path, context creation). */
const rootCause = (raw: unknown): unknown => {
  let error = raw;
  while (error instanceof GraphQLError && error.originalError) error = error.originalError;
  return error;
};

/** True for errors the client sees as they are (ours, validation, Apollo's request errors). */
export const isExpectedError = (raw: unknown): boolean => {
  const error = rootCause(raw);
  if (error instanceof GatewayError || error instanceof ArgumentValidationError) return true;
  // A client's malformed or invalid document is its mistake, answered as such: not a server error to log.
  return raw instanceof GraphQLError && !raw.originalError && typeof raw.extensions["code"] === "string" && apolloCodes.has(raw.extensions["code"]);
};

/**
 * The one function that decides what an error looks like to a client. Our own errors pass with their
 * code; Apollo's request errors pass scrubbed; everything else is masked (the server plugin logs it
 * with the request id).
 */
export const formatError = (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const error = rootCause(raw);
    const base = { locations: formatted.locations, path: formatted.path };
    if (error instanceof GatewayError) {
      return { ...base, message: error.message, extensions: { ...error.extensions, code: error.code } };
    }
    if (error instanceof ArgumentValidationError) {
      const fields = fieldProblems(error.extensions.validationErrors);
      return {
        ...base,
        message: `Invalid value for: ${fields.map((f) => f.field).join(", ")}.`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
      };
    }
    const code = formatted.extensions?.["code"];
    if (typeof code === "string" && apolloCodes.has(code) && formatted.path === undefined) {
      return scrubApolloError(formatted, code);
    }
    return { ...base, message: messageFor(ErrorCode.INTERNAL_SERVER_ERROR), extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
