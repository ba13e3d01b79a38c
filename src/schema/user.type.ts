import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import type { Identity } from "../auth/identity";

export enum Group {
  ADMIN = "admin",
  PROVIDER = "provider",
  PATIENT = "patient",
}
registerEnumType(Group, { name: "Group", description: "The gateway's groups, provisioned in every pool; `cognito:groups` in tokens spells them in lower case (`admin`)." });

@ObjectType({ description: "MFA is mandatory: `enabled` is true for every user who can sign in." })
export class MfaStatus {
  @Field() enabled!: boolean;
  @Field(() => String, { nullable: true, description: "TOTP (authenticator app) is the only method." }) method!: string | null;
}

@ObjectType({ description: "The signed-in user, as known to the gateway since the last login." })
export class User {
  @Field(() => ID, { description: "The user's stable id (Cognito `sub`): `userId` in administration." }) sub!: string;
  @Field() email!: string;
  @Field() emailVerified!: boolean;
  @Field(() => String, { nullable: true }) givenName!: string | null;
  @Field(() => String, { nullable: true }) familyName!: string | null;
  @Field(() => [String], { description: "From the verified cognito:groups claim, as spelled in the pool (e.g. `admin`).", deprecationReason: "use memberOf; removed in 2.0" })
  groups!: string[];
  @Field(() => [Group], {
    description: "The gateway's groups the user is in, from the verified cognito:groups claim. Other groups a pool may define mean nothing to the gateway and are left out (the id token still lists them).",
  })
  memberOf!: Group[];
  @Field({ deprecationReason: "use mfaStatus.enabled; removed in 2.0" }) mfaEnabled!: boolean;
  @Field(() => MfaStatus) mfaStatus!: MfaStatus;
}

const gatewayGroups: readonly string[] = Object.values(Group);
const isGatewayGroup = (group: string): group is Group => gatewayGroups.includes(group);

export const toUser = ({ sub, groups, account }: Pick<Identity, "sub" | "groups" | "account">): User => ({
  sub,
  email: account.email,
  emailVerified: account.emailVerified,
  givenName: account.givenName ?? null,
  familyName: account.familyName ?? null,
  groups,
  memberOf: groups.filter(isGatewayGroup),
  mfaEnabled: account.mfaEnabled,
  mfaStatus: { enabled: account.mfaEnabled, method: account.mfaEnabled ? "TOTP" : null },
});
