import { ArgsType, Field, InputType } from "type-graphql";
import { IsOptional, Length } from "class-validator";
import { EmailAddress, EmailArgs, Password, SessionArgs, SixDigitCode } from "../../schema/shared-args";

/** Shape checks only; the password policy itself is enforced by the services. */
@InputType()
export class RegisterInput {
  @Field() @EmailAddress() email!: string;
  @Field() @Password() password!: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) givenName?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) familyName?: string;
}

@ArgsType()
export class ConfirmSignUpArgs extends EmailArgs {
  @Field() @SixDigitCode() code!: string;
}

@ArgsType()
export class LoginArgs extends EmailArgs {
  @Field() @Password() password!: string;
}

@ArgsType()
export class SessionCodeArgs extends SessionArgs {
  @Field() @SixDigitCode() code!: string;
}

@ArgsType()
export class RefreshArgs {
  @Field() @Length(1, 8192) refreshToken!: string;
}

@ArgsType()
export class LogoutArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 8192) refreshToken?: string;
}
