import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { GraphQLEnumType } from "graphql";
import { ErrorCode, ErrorReason, errorReasonDescriptions, InactiveReason, TokenRejection } from "../../../src/errors/error-codes";
import { OAuthRejection } from "../../../src/auth/oauth/oauth-client";
import { buildGatewaySchema } from "../../../src/features/build-schema";

const src = join(__dirname, "../../../src");
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });

/**
 * The compiler already refuses a literal reason outside the list wherever a GatewayError is built
 * (SafeExtensions); this also covers error extensions written by hand (the supergraph's, for one).
 */
const reasonsSentToClients = (): string[] =>
  sourceFiles(src).flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.includes("GatewayError(") || line.includes("extensions:"))
      .flatMap((line) => [...line.matchAll(/reason: "([A-Z_]+)"/g)].map((m) => m[1] ?? "")),
  );

const schemaEnum = (name: string): string[] => {
  const type = buildGatewaySchema().getType(name);
  if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum of the schema`);
  return type.getValues().map((v) => v.name).sort();
};

describe("ErrorReason, the one list of extensions.reason values", () => {
  it("holds every reason a throw site sends", () => {
    const sent = reasonsSentToClients();
    expect(sent.length).toBeGreaterThan(20);
    const known: readonly string[] = Object.values(ErrorReason);
    expect([...new Set(sent.filter((reason) => !known.includes(reason)))]).toEqual([]);
  });

  it("contains the narrower reason enums", () => {
    for (const slice of [TokenRejection, InactiveReason, OAuthRejection]) {
      for (const value of Object.values(slice)) expect(ErrorReason).toHaveProperty(value, value);
    }
  });

  it("is in the schema as enum ErrorReason (and the codes as enum ErrorCode), value for value", () => {
    expect(schemaEnum("ErrorReason")).toEqual(Object.values(ErrorReason).sort());
    expect(schemaEnum("ErrorCode")).toEqual(Object.values(ErrorCode).sort());
  });

  it("says for each reason which code it comes with, and docs/error-codes.md names each", () => {
    const page = readFileSync(join(__dirname, "../../../docs/error-codes.md"), "utf8");
    for (const reason of Object.values(ErrorReason)) {
      const code = errorReasonDescriptions[reason].split(":")[0] ?? "";
      expect(Object.values(ErrorCode)).toContain(code);
      expect(page).toContain(`\`${reason}\``);
    }
  });
});
