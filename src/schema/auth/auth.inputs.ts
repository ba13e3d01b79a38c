import { ArgsType, Field, InputType } from "type-graphql";
import { IsEmail, IsOptional, Length, Matches, MaxLength } from "class-validator";

/** Shape checks only; the password policy itself is the identity provider's (and the gateway's) job. */
const sixDigits = /^\d{6}$/;
const handleShape = /^[A-Za-z0-9_-]{20,100}$/;

@InputType()
export class RegisterInput {
  @Field() @IsEmail() @MaxLength(254) email!: string;
  @Field() @Length(1, 256) password!: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) givenName?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) familyName?: string;
}

@ArgsType()
export class EmailArgs {
  @Field() @IsEmail() @MaxLength(254) email!: string;
}

@ArgsType()
export class ConfirmSignUpArgs extends EmailArgs {
  @Field() @Matches(sixDigits, { message: "code must be 6 digits" }) code!: string;
}

@ArgsType()
export class LoginArgs extends EmailArgs {
  @Field() @Length(1, 256) password!: string;
}

@ArgsType()
export class SessionArgs {
  @Field() @Matches(handleShape, { message: "session is not a valid handle" }) session!: string;
}

@ArgsType()
export class SessionCodeArgs extends SessionArgs {
  @Field() @Matches(sixDigits, { message: "code must be 6 digits" }) code!: string;
}

@ArgsType()
export class RefreshArgs {
  @Field() @Length(1, 8192) refreshToken!: string;
}

@ArgsType()
export class LogoutArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 8192) refreshToken?: string;
}
