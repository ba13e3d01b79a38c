import { ArgsType, Field, InputType } from "type-graphql";
import { IsOptional, Length, Matches } from "class-validator";
import { FreshFactorArgs } from "../../schema/fresh-factor.args";
import { EmailAddress, Password, SixDigitCode } from "../../schema/shared-args";

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
