import { ArgsType, Field, Int, ObjectType } from "type-graphql";
import { EmailAddress, Password, SessionArgs, SixDigitCode } from "../../schema/shared-args";
import { FreshFactorArgs } from "../../schema/fresh-factor.args";
import { IsOptional } from "class-validator";

@ObjectType()
export class PasswordRuleInfo {
  @Field({ description: "The id PASSWORD_POLICY_VIOLATION lists in extensions.rules." }) id!: string;
  @Field() description!: string;
}

@ObjectType({ description: "The rules every new password must meet, for clients to show." })
export class PasswordPolicy {
  @Field(() => Int) minLength!: number;
  @Field(() => [PasswordRuleInfo]) rules!: PasswordRuleInfo[];
}

@ArgsType()
export class ConfirmForgotPasswordArgs {
  @Field() @EmailAddress() email!: string;
  @Field() @SixDigitCode() code!: string;
  @Field() @Password() newPassword!: string;
}

@ArgsType()
export class ChangePasswordArgs extends FreshFactorArgs {
  @Field() @Password() currentPassword!: string;
  @Field() @Password() newPassword!: string;
}

@ArgsType()
export class CompleteNewPasswordArgs extends SessionArgs {
  @Field() @Password() newPassword!: string;
}

@ArgsType()
export class CompleteExpiredPasswordArgs extends CompleteNewPasswordArgs {
  @Field({ nullable: true, description: "Required: the password that expired. Without it FORBIDDEN, reason CURRENT_PASSWORD_REQUIRED; a wrong one INVALID_CREDENTIALS (counted by the lockout)." })
  @IsOptional()
  @Password()
  currentPassword?: string;
}
