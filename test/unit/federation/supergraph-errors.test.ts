import { GraphQLError } from "graphql";
import { formatSupergraphError } from "../../../src/federation/supergraph";

const from = (serviceName: string, code: string, message: string, extra: Record<string, unknown> = {}) => {
  const formatted = { message, path: ["x"], extensions: { serviceName, code, ...extra } };
  return formatSupergraphError(formatted, new GraphQLError(message));
};

describe("errors from subgraphs", () => {
  it("turns a product subgraph's internal error or timeout into SERVICE_UNAVAILABLE, without its message", () => {
    for (const code of ["INTERNAL_SERVER_ERROR", "DOWNSTREAM_SERVICE_ERROR", ""]) {
      const error = from("patients", code, "connect ECONNREFUSED db.internal:5432 password=hunter2");
      expect(error).toEqual({ message: "The service is temporarily unavailable.", path: ["x"], locations: undefined, extensions: { code: "SERVICE_UNAVAILABLE", reason: "SUBGRAPH_ERROR" } });
    }
  });

  it("keeps a product subgraph's public code with our message", () => {
    expect(from("patients", "FORBIDDEN", "Patient 42 belongs to Dr. Smith")).toMatchObject({ message: "You are not allowed to do this.", extensions: { code: "FORBIDDEN" } });
  });

  it("passes the gateway's own auth subgraph errors as they are, minus internals", () => {
    const error = from("auth", "PASSWORD_POLICY_VIOLATION", "The password does not meet the policy.", { rules: ["minLength"], stacktrace: ["at x"] });
    expect(error.extensions).toEqual({ code: "PASSWORD_POLICY_VIOLATION", rules: ["minLength"] });
  });
});
