import { IsOptional, Length } from "class-validator";
import { ArgsType, Field } from "type-graphql";
import { SixDigitCode } from "./shared-args";

/**
 * The fresh second factor a sensitive change carries in its own request (step-up): exactly one of the two.
 * None answers FORBIDDEN (reason STEP_UP_REQUIRED), both BAD_USER_INPUT (reason ONE_SECOND_FACTOR).
 */
@ArgsType()
export class FreshFactorArgs {
  @Field({ nullable: true, description: "A fresh code from the authenticator app (step-up): never one this account already used." }) @IsOptional() @SixDigitCode() code?: string;

  @Field({ nullable: true, description: "Instead of the code: the AuthenticationResponseJSON answering beginPasskeyStepUp (a passkey of the caller, this session's challenge)." })
  @IsOptional()
  @Length(2, 64 * 1024)
  passkey?: string;
}
