import { ArgsType, Field, InputType } from "type-graphql";
import { IsOptional, Length, Matches } from "class-validator";
import { EmailAddress, Password, SixDigitCode } from "../shared-args";

/** Shape checks only; the password policy itself is enforced by the services. */
const handleShape = /^[A-Za-z0-9_-]{20,100}$/;

@InputType()
export class RegisterInput {
  @Field() @EmailAddress() email!: string;
  @Field() @Password() password!: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) givenName?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) familyName?: string;
}

@ArgsType()
export class EmailArgs {
  @Field() @EmailAddress() email!: string;
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
export class SessionArgs {
  @Field() @Matches(handleShape, { message: "session is not a valid handle" }) session!: string;
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
