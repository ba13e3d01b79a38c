import { ArgsType, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { IsOptional, Length, Matches, Max, Min } from "class-validator";
import { EmailAddress, UserId, UserIdArgs } from "../../schema/shared-args";
import { FreshFactorArgs } from "../../schema/fresh-factor.args";
import { PageInfo } from "../../schema/page-info";
import { DateTime } from "../../schema/scalars/date-time.scalar";
import { Group } from "../../schema/user.type";

@InputType()
export class AdminCreateUserInput {
  @Field() @EmailAddress() email!: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) givenName?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) familyName?: string;
}

@ArgsType()
export class UserGroupArgs extends UserIdArgs {
  @Field(() => Group) group!: Group;
}

/**
 * An action that grants or gives back access (a group, a cleared authenticator, an enabled or unlocked
 * account) carries the administrator's fresh factor: a stolen admin token alone grants nothing. Actions that
 * end or reduce access never need one.
 */
@ArgsType()
export class GrantUserArgs extends FreshFactorArgs {
  @Field(() => ID) @UserId() userId!: string;
}

@ArgsType()
export class GrantGroupArgs extends GrantUserArgs {
  @Field(() => Group) group!: Group;
}

@InputType()
export class UsersFilter {
  @Field({ nullable: true, description: "Users whose email starts with this." })
  @IsOptional()
  @Matches(/^[\w.+@-]{1,100}$/, { message: "emailPrefix may use letters, digits and . _ + @ -" })
  emailPrefix?: string;
}

@ArgsType()
export class UsersArgs {
  @Field(() => UsersFilter, { nullable: true }) filter?: UsersFilter;
  @Field(() => Int, { defaultValue: 20 }) @Min(1) @Max(60) first!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 4096) after?: string;
}

@ObjectType({ description: "A user as the identity provider's directory describes them." })
export class AdminUser {
  @Field(() => ID, { description: "The user's sub." }) id!: string;
  @Field() email!: string;
  @Field() emailVerified!: boolean;
  @Field(() => String, { nullable: true }) givenName!: string | null;
  @Field(() => String, { nullable: true }) familyName!: string | null;
  @Field() enabled!: boolean;
  @Field({ description: "Provider status, e.g. CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD." }) status!: string;
  @Field(() => String, { nullable: true, description: "ISO 8601.", deprecationReason: "use createTime; removed in 2.0" }) createdAt!: string | null;
  @Field(() => DateTime, { nullable: true, description: "When the account was created in the directory." }) createTime!: Date | null;
}

@ObjectType()
export class UserConnection {
  @Field(() => [AdminUser]) nodes!: AdminUser[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
