import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "MFA is mandatory: `enabled` is true for every user who can sign in." })
export class MfaStatus {
  @Field() enabled!: boolean;
  @Field(() => String, { nullable: true, description: "TOTP (authenticator app) is the only method." }) method!: string | null;
}

@ObjectType({ description: "The signed-in user, as known to the gateway since the last login." })
export class User {
  @Field() sub!: string;
  @Field() email!: string;
  @Field() emailVerified!: boolean;
  @Field(() => String, { nullable: true }) givenName!: string | null;
  @Field(() => String, { nullable: true }) familyName!: string | null;
  @Field(() => [String], { description: "From the verified cognito:groups claim." }) groups!: string[];
  @Field() mfaEnabled!: boolean;
  @Field(() => MfaStatus) mfaStatus!: MfaStatus;
}
