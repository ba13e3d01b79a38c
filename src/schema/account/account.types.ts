import { ArgsType, Field, ID, InputType, ObjectType } from "type-graphql";
import { IsOptional, Length, Matches } from "class-validator";
import { FreshFactorArgs } from "../fresh-factor.args";
import { EmailAddress, Password, SixDigitCode } from "../shared-args";
import { DateTime } from "../scalars/date-time.scalar";

@InputType({ description: "Only the attributes a user may change themselves; email has its own verified flow." })
export class UpdateProfileInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) givenName?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) familyName?: string;
}

@ArgsType()
export class NewEmailArgs extends FreshFactorArgs {
  @Field() @EmailAddress() newEmail!: string;
}

@ArgsType()
export class UndoEmailChangeArgs {
  @Field({ description: "The single-use token from the notice sent to the old address." }) @Matches(/^[\w-]{43}$/, { message: "token is not an undo token" }) token!: string;
}

@ArgsType()
export class CodeArgs {
  @Field() @SixDigitCode() code!: string;
}

@ArgsType()
export class ResetMfaArgs {
  @Field() @Password() currentPassword!: string;
  @Field({ description: "A code from the current authenticator." }) @SixDigitCode() code!: string;
}

@ObjectType({ description: "A login session of the signed-in user." })
export class SessionInfo {
  @Field(() => ID) id!: string;
  @Field({ description: "ISO 8601.", deprecationReason: "use createTime; removed in 2.0" }) createdAt!: string;
  @Field(() => DateTime, { description: "When the session began (the login)." }) createTime!: Date;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field({ description: "The session this request belongs to." }) current!: boolean;
}
