import { IsEmail, Length, Matches, MaxLength } from "class-validator";

/** Argument shapes used by several resolvers: checked before any provider call, never echoed. */
export const sixDigits = /^\d{6}$/;
export const SixDigitCode = () => Matches(sixDigits, { message: "code must be 6 digits" });
export const EmailAddress = (): PropertyDecorator => (target, key) => {
  IsEmail()(target, key);
  MaxLength(254)(target, key);
};
export const Password = () => Length(1, 256);
export const UserId = () => Matches(/^[\w-]{1,128}$/, { message: "userId is not a valid user id" });
