import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "The signed-in user, as known to the gateway since the last login." })
export class User {
  @Field() sub!: string;
  @Field() email!: string;
  @Field() emailVerified!: boolean;
  @Field(() => String, { nullable: true }) givenName!: string | null;
  @Field(() => String, { nullable: true }) familyName!: string | null;
  @Field(() => [String], { description: "From the verified cognito:groups claim." }) groups!: string[];
  @Field() mfaEnabled!: boolean;
}
