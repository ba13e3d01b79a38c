import fc from "fast-check";
import { decomposeUnverifiedJwt } from "aws-jwt-verify/jwt";
import {
  AdminAddUserToGroupDocument,
  AdminDisableUserDocument,
  AdminEnableUserDocument,
  AdminGlobalSignOutDocument,
  AdminRemoveUserFromGroupDocument,
  LoginDocument,
  LogoutEverywhereDocument,
  MeDocument,
  RespondToMfaDocument,
} from "../../generated/graphql";
import { dataOf, type GraphQLResponse } from "../../support/graphql-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { adminStepUp, adminUser, enrolledUser, freshCode, PASSWORD, providerAccessToken, type EnrolledUser } from "../../support/users";

type Step = "login" | "respond" | "respondWrong" | "disable" | "enable" | "addProvider" | "removeProvider" | "globalSignOut" | "logoutEverywhere";
/** Actions after which every pending login must fail and every held token must stop working. */
const moving: readonly Step[] = ["disable", "addProvider", "removeProvider", "globalSignOut", "logoutEverywhere"];

type Pending = { session: string; stale: boolean };
type Model = { disabled: boolean; groups: Set<string>; pending: Pending[]; tokens: { token: string; dead: boolean }[]; rightCodesLeft: number };

const codeOf = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions.code;
const groupsIn = (token: string) => {
  const claim = decomposeUnverifiedJwt(token).payload["cognito:groups"];
  return Array.isArray(claim) ? claim.map(String).sort() : [];
};

/**
 * Random sequences of login steps, admin actions and sign-outs; after every step the invariants of the
 * login machine hold: a login never yields tokens; a pending login that began before a security change
 * never completes; tokens go out only to an enabled account, carrying its current groups; and every token
 * issued before a security change is refused afterwards. (TOTP codes are real and cognito-local only
 * takes three per 30 s, so each run may answer two challenges rightly.)
 */
describe("login invariants under random sequences (fast-check)", () => {
  let gw: TestGateway;
  let admin: EnrolledUser & { sub: string };
  beforeAll(async () => {
    gw = await startTestGateway();
    admin = await adminUser(gw);
  });
  afterAll(() => gw.close());

  const asAdmin = { token: "" };
  const step = async (user: EnrolledUser & { sub: string }, model: Model, action: Step) => {
    asAdmin.token = admin.accessToken;
    const userId = user.sub;
    switch (action) {
      case "login": {
        const answer = await gw.run(LoginDocument, { email: user.email, password: PASSWORD });
        if (model.disabled) {
          expect(codeOf(answer)).toBe("INVALID_CREDENTIALS");
          return;
        }
        const login = dataOf(answer).login;
        expect(login.tokens).toBeNull();
        model.pending.push({ session: login.challenge!.session, stale: false });
        return;
      }
      case "respond":
      case "respondWrong": {
        const pending = model.pending.pop();
        if (!pending) return;
        if (action === "respond" && model.rightCodesLeft === 0) return;
        const code = action === "respond" ? await freshCode(user.secret) : "000000";
        if (action === "respond") model.rightCodesLeft--;
        const answer = await gw.run(RespondToMfaDocument, { session: pending.session, code });
        if (pending.stale) {
          expect(codeOf(answer)).toBe("SESSION_EXPIRED");
          return;
        }
        if (action === "respondWrong") {
          expect(codeOf(answer)).toMatch(/^(CODE_MISMATCH|ACCOUNT_LOCKED)$/);
          return;
        }
        const tokens = dataOf(answer).respondToMfa.tokens!;
        // The provider's token behind the handle carries the groups the gateway acts on.
        expect(groupsIn(await providerAccessToken(gw, tokens.accessToken))).toEqual([...model.groups].sort());
        model.tokens.push({ token: tokens.accessToken, dead: false });
        return;
      }
      case "disable":
        dataOf(await gw.run(AdminDisableUserDocument, { userId }, asAdmin));
        model.disabled = true;
        break;
      case "enable":
        dataOf(await gw.run(AdminEnableUserDocument, { userId, ...(await adminStepUp(admin)) }, asAdmin));
        model.disabled = false;
        return;
      case "addProvider":
        dataOf(await gw.run(AdminAddUserToGroupDocument, { userId, group: "PROVIDER", ...(await adminStepUp(admin)) }, asAdmin));
        model.groups.add("provider");
        break;
      case "removeProvider":
        dataOf(await gw.run(AdminRemoveUserFromGroupDocument, { userId, group: "PROVIDER" }, asAdmin));
        model.groups.delete("provider");
        break;
      case "globalSignOut":
        dataOf(await gw.run(AdminGlobalSignOutDocument, { userId }, asAdmin));
        break;
      case "logoutEverywhere": {
        const live = model.tokens.find((t) => !t.dead);
        if (!live || model.disabled) return;
        dataOf(await gw.run(LogoutEverywhereDocument, {}, { token: live.token }));
        break;
      }
    }
    if (!moving.includes(action)) return;
    model.pending.forEach((p) => (p.stale = true));
    // Adding a group leaves live sessions alone (it shows in the next token); every other change ends them.
    if (action !== "addProvider") model.tokens.forEach((t) => (t.dead = true));
  };

  const checkTokens = async (model: Model) => {
    for (const { token, dead } of model.tokens) {
      const answer = await gw.run(MeDocument, {}, { token });
      if (dead) expect(codeOf(answer)).toBe("UNAUTHENTICATED");
      else if (model.disabled) expect(codeOf(answer)).toMatch(/^(FORBIDDEN|UNAUTHENTICATED)$/);
      else expect(codeOf(answer)).toBeUndefined();
    }
  };

  it("hold after every step", async () => {
    const steps = fc.constantFrom<Step>("login", "login", "respond", "respondWrong", "disable", "enable", "addProvider", "removeProvider", "globalSignOut", "logoutEverywhere");
    await fc.assert(
      fc.asyncProperty(fc.array(steps, { minLength: 3, maxLength: 7 }), async (actions) => {
        const enrolled = await enrolledUser(gw);
        const user = { ...enrolled, sub: dataOf(await gw.run(MeDocument, {}, { token: enrolled.accessToken })).me.sub };
        const model: Model = { disabled: false, groups: new Set(), pending: [], tokens: [{ token: user.accessToken, dead: false }], rightCodesLeft: 2 };
        for (const action of actions) {
          await step(user, model, action);
          await checkTokens(model);
        }
      }),
      { numRuns: 8, endOnFailure: true },
    );
  }, 240_000);
});
