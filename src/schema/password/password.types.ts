import { ArgsType, Field, Int, ObjectType } from "type-graphql";
import { EmailAddress, Password, SixDigitCode } from "../shared-args";
import { SessionArgs } from "../auth/auth.inputs";

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
export class ChangePasswordArgs {
  @Field() @Password() currentPassword!: string;
  @Field() @Password() newPassword!: string;
}

@ArgsType()
export class CompleteNewPasswordArgs extends SessionArgs {
  @Field() @Password() newPassword!: string;
}
