import { IsEmail, IsOptional, Length, Matches, Max, MaxLength, Min } from "class-validator";
import { ArgsType, Field, ID, Int } from "type-graphql";

/** Argument shapes used by several resolvers: checked before any provider call, never echoed. */
export const sixDigits = /^\d{6}$/;
export const SixDigitCode = () => Matches(sixDigits, { message: "code must be 6 digits" });
export const EmailAddress = (): PropertyDecorator => (target, key) => {
  IsEmail()(target, key);
  MaxLength(254)(target, key);
};
export const Password = () => Length(1, 256);
export const UserId = () => Matches(/^[\w-]{1,128}$/, { message: "userId is not a valid user id" });

/** Login challenge handles: opaque, single use (shape checks only). */
const handleShape = /^[A-Za-z0-9_-]{20,100}$/;

@ArgsType()
export class SessionArgs {
  @Field() @Matches(handleShape, { message: "session is not a valid handle" }) session!: string;
}

@ArgsType()
export class EmailArgs {
  @Field() @EmailAddress() email!: string;
}

@ArgsType()
export class UserIdArgs {
  @Field(() => ID) @UserId() userId!: string;
}

/** A page of the audit trail (the administrators' review and the user's own login history). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20 }) @Min(1) @Max(100) first!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 512) after?: string;
}
