import { pageInfoOf } from "../../../src/schema/page-info";
import { Group, toUser } from "../../../src/schema/user.type";

describe("PageInfo for forward pagination", () => {
  it("starts where the page was asked to start, and has earlier entries only after a cursor", () => {
    expect(pageInfoOf(undefined, "c2", true)).toEqual({ startCursor: null, hasPreviousPage: false, endCursor: "c2", hasNextPage: true });
    expect(pageInfoOf("c2", undefined, false)).toEqual({ startCursor: "c2", hasPreviousPage: true, endCursor: null, hasNextPage: false });
  });
});

describe("User.memberOf", () => {
  const account = { email: "a@example.test", emailVerified: true, mfaEnabled: true } as Parameters<typeof toUser>[0]["account"];

  it("keeps the gateway's groups as the enum and leaves other pool groups to the deprecated strings", () => {
    const user = toUser({ sub: "s", groups: ["provider", "billing", "admin"], account });
    expect(user.memberOf).toEqual([Group.PROVIDER, Group.ADMIN]);
    expect(user.groups).toEqual(["provider", "billing", "admin"]);
    expect(user.mfaEnabled).toBe(user.mfaStatus.enabled);
  });
});
