import { GraphQLError } from "graphql";
import { ErrorCode, GatewayError } from "../../../src/errors/error-codes";
import { formatError } from "../../../src/errors/to-graphql-error";

const resolverError = (original: Error) => new GraphQLError(original.message, { path: ["login"], originalError: original });

describe("formatError", () => {
  it("passes our errors with their code and safe extensions", () => {
    const raw = resolverError(new GatewayError(ErrorCode.CODE_MISMATCH));
    expect(formatError({ message: raw.message, path: ["login"] }, raw)).toEqual({ message: "The code is incorrect.", path: ["login"], locations: undefined, extensions: { code: "CODE_MISMATCH" } });
  });

  it("masks anything else as INTERNAL_SERVER_ERROR, dropping its message and extensions", () => {
    const raw = resolverError(Object.assign(new Error("User alice@example.com: password hunter2 rejected"), { name: "NotAuthorizedException" }));
    const formatted = formatError({ message: raw.message, path: ["login"], extensions: { code: "INTERNAL_SERVER_ERROR", exception: { stacktrace: ["at x"] } } }, raw);
    expect(formatted).toEqual({ message: "Internal server error.", path: ["login"], locations: undefined, extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });

  it("finds our error under Apollo's context-creation wrapper", () => {
    const inner = new GatewayError(ErrorCode.UNAUTHENTICATED, { reason: "TOKEN_EXPIRED" }, "The access token has expired; refresh it or log in again.");
    const wrapped = new GraphQLError("Context creation failed: x", { originalError: new GraphQLError(inner.message, { originalError: inner }) });
    expect(formatError({ message: wrapped.message }, wrapped).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
  });

  it("keeps a GraphQL validation message that quotes no input, and scrubs one that does", () => {
    const plain = { message: 'Cannot query field "nope" on type "Query".', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
    expect(formatError(plain, new GraphQLError(plain.message)).message).toBe(plain.message);
    const quoting = { message: 'Variable "$email" got invalid value 42; String cannot represent a non string value: 42', extensions: { code: "BAD_USER_INPUT" } };
    expect(formatError(quoting, new GraphQLError(quoting.message))).toEqual({ message: 'Variable "$email" has an invalid value.', locations: undefined, path: undefined, extensions: { code: "BAD_USER_INPUT" } });
  });
});
