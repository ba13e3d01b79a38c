import { randomUUID } from "node:crypto";
import { getNamedType, isEnumType, isInputObjectType, isLeafType, isNonNullType, isScalarType, type GraphQLArgument, type GraphQLInputType } from "graphql";
import { allow } from "graphql-shield";
import { loadConfig } from "../../src/config";
import { emailChangesPerHour } from "../../src/features/account/account.feature";
import { assembleApi } from "../../src/features/assemble";
import { allFeatures } from "../../src/features/features";
import type { RedisStore } from "../../src/store/redis-store";
import { execute, type GraphQLErrorBody, type RequestOptions } from "../support/graphql-client";
import { startTestGateway, testRedisStore, type TestGateway } from "../support/test-gateway";
import { adminUser, enrolledUser, grantGroup, loginWithMfa, uniqueEmail } from "../support/users";

/**
 * Attack (features as modules): the gateway-wide mutation limits are now attached to the mutations of the
 * assembled permission map, and requestEmailChange's hourly limit is the account feature's own. Every mutation
 * of every feature must still be counted. Proof per field: once a bucket is empty, that field answers
 * TOO_MANY_REQUESTS (a field the middleware skipped would reach its rule or resolver and answer otherwise).
 *
 * Two gateways share one Redis store (sessions and counters): `setup` without the per-minute limits signs the
 * users in; `limited` has them at `perMinute` and trusts one proxy hop, so each anonymous request may name its address.
 */
const perMinute = 3;
const { schema, permissions } = assembleApi(allFeatures);
const mutationType = schema.getMutationType()!;
const openMutations = Object.keys(permissions.Mutation).filter((field) => permissions.Mutation[field] === allow);
const signedInMutations = Object.keys(permissions.Mutation).filter((field) => permissions.Mutation[field] !== allow);

/** A literal of `type` that passes GraphQL validation (the resolvers never see it when the limit holds). */
const literal = (type: GraphQLInputType, name: string, email: string): string => {
  if (isNonNullType(type)) return literal(type.ofType, name, email);
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (isInputObjectType(named)) {
    const required = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${required.map((f) => `${f.name}: ${literal(f.type, f.name, email)}`).join(", ")} }`;
  }
  if (isScalarType(named) && ["Int", "Float"].includes(named.name)) return "1";
  if (isScalarType(named) && named.name === "Boolean") return "true";
  return JSON.stringify(name.toLowerCase().includes("email") ? email : "x");
};
const call = (field: string, email: string, alias = field): string => {
  const definition = mutationType.getFields()[field]!;
  const args = definition.args.filter((a: GraphQLArgument) => isNonNullType(a.type));
  const argText = args.length > 0 ? `(${args.map((a) => `${a.name}: ${literal(a.type, a.name, email)}`).join(", ")})` : "";
  return `${alias}: ${field}${argText}${isLeafType(getNamedType(definition.type)) ? "" : " { __typename }"}`;
};
const codesOf = (errors: GraphQLErrorBody[] | undefined, alias: string) => (errors ?? []).filter((e) => e.path?.[0] === alias).map((e) => e.extensions.code);
/**
 * One request per field, one after the other: the root fields are non-null, so the first error of a mutation
 * document ends it (graphql-js runs mutations serially) and the later aliases would never run.
 */
const eachAlone = async (fields: readonly string[], email: () => string, options: () => RequestOptions): Promise<Record<string, string>> => {
  const codes: Record<string, string> = {};
  for (const field of fields) codes[field] = codesOf((await execute(limited.url, `mutation { ${call(field, email())} }`, undefined, options())).errors, field).join();
  return codes;
};
const notRefused = (codes: Record<string, string>) => Object.entries(codes).filter(([, code]) => code !== "TOO_MANY_REQUESTS").map(([field, code]) => `${field}: ${code}`);

let store: RedisStore;
let setup: TestGateway;
let limited: TestGateway;
beforeAll(async () => {
  store = testRedisStore();
  setup = await startTestGateway({ store });
  const policy = { ...loadConfig({}).policy, rateLimitIpPerMinute: perMinute, rateLimitAccountPerMinute: perMinute, rateLimitUserPerMinute: perMinute };
  limited = await startTestGateway({ store, settings: { policy, trustProxyHops: 1 } });
});
afterAll(async () => {
  await setup?.close();
  await limited?.close();
  await store?.clearPrefix();
  await store?.close();
});

const fromAddress = (address: string) => ({ headers: { "x-forwarded-for": address } });
const randomAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

describe("attack: the gateway-wide mutation limits cover every mutation of every feature", () => {
  it("a signed-in account's bucket, once empty, refuses every signed-in mutation (admin and provider fields too)", async () => {
    const admin = await adminUser(setup);
    await grantGroup(admin.sub, "provider");
    const token = (await loginWithMfa(setup, admin)).tokens!.accessToken;
    for (let i = 0; i < perMinute; i++) await execute(limited.url, 'mutation { renamePasskey(id: "none", nickname: "n") { id } }', undefined, { token, ...fromAddress(randomAddress()) });
    expect(notRefused(await eachAlone(signedInMutations, uniqueEmail, () => ({ token, ...fromAddress(randomAddress()) })))).toEqual([]);
    expect(signedInMutations).toEqual(expect.arrayContaining(["requestEmailChange", "logoutEverywhere", "adminRemovePasskey", "generateRecoveryCodes", "requestEmergencyAccess", "reviewEmergencyAccess"]));
  });

  it("an address's bucket, once empty, refuses every open mutation; every other mutation stops an anonymous caller at its rule", async () => {
    const address = randomAddress();
    for (let i = 0; i < perMinute; i++) await execute(limited.url, "mutation { beginPasskeyLogin { __typename } }", undefined, fromAddress(address));
    expect(notRefused(await eachAlone(openMutations, uniqueEmail, () => fromAddress(address)))).toEqual([]);
    // The middleware tells "anonymous" from "signed in" by `rule === allow`: a mutation whose rule let an anonymous
    // caller through without being exactly `allow` would be counted by nobody. Each of the others stops them at the rule.
    const anonymous = await eachAlone(signedInMutations, uniqueEmail, () => fromAddress(address));
    expect(Object.entries(anonymous).filter(([, code]) => code !== "UNAUTHENTICATED")).toEqual([]);
    expect(openMutations).toEqual(expect.arrayContaining(["login", "undoEmailChange", "respondWithRecoveryCode", "completePasskeyLogin", "exchangeAuthorizationCode"]));
  });

  it("an email's bucket, once empty, refuses every open mutation that names it, from any address", async () => {
    const victim = uniqueEmail();
    for (let i = 0; i < perMinute; i++) await execute(limited.url, `mutation { forgotPassword(email: "${victim}") }`, undefined, fromAddress(randomAddress()));
    const naming = openMutations.filter((field) => call(field, victim).includes(victim));
    expect(naming).toEqual(expect.arrayContaining(["login", "register", "forgotPassword"]));
    expect(notRefused(await eachAlone(naming, () => victim, () => fromAddress(randomAddress())))).toEqual([]);
  });
});

describe("attack: requestEmailChange's own limit (the account feature's)", () => {
  it(`is ${emailChangesPerHour} per account per hour, across the account's sessions, without any per-minute limit`, async () => {
    const user = await enrolledUser(setup);
    const attempt = (i: number) => `r${i}: requestEmailChange(newEmail: "bomb-${randomUUID()}@victim.test")`;
    const codes: string[] = [];
    // Each one reaches the resolver (no fresh factor: FORBIDDEN, STEP_UP_REQUIRED) and takes a point all the same.
    for (let i = 0; i < emailChangesPerHour - 1; i++) codes.push(codesOf((await setup.run(`mutation { ${attempt(i)} }`, undefined, { token: user.accessToken })).errors, `r${i}`).join());
    expect(codes).toEqual(Array.from({ length: emailChangesPerHour - 1 }, () => "FORBIDDEN"));
    const otherSession = (await loginWithMfa(setup, user)).tokens!.accessToken;
    const last = await setup.run(`mutation { ${attempt(8)} }`, undefined, { token: otherSession });
    const over = await setup.run(`mutation { ${attempt(9)} }`, undefined, { token: otherSession });
    expect([codesOf(last.errors, "r8"), codesOf(over.errors, "r9")]).toEqual([["FORBIDDEN"], ["TOO_MANY_REQUESTS"]]);
    // The counter is shared through the store: the other gateway refuses it too.
    const elsewhere = await execute(limited.url, `mutation { ${attempt(10)} }`, undefined, { token: user.accessToken, ...fromAddress(randomAddress()) });
    expect(codesOf(elsewhere.errors, "r10")).toEqual(["TOO_MANY_REQUESTS"]);
  });
});
