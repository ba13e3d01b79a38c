import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import type { PublicChallengeName } from "../../auth/auth-outcome";

export enum ChallengeName {
  MFA_SETUP = "MFA_SETUP",
  SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA",
  NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED",
  PASSWORD_EXPIRED = "PASSWORD_EXPIRED",
  /** A passkey answers the MFA step: beginPasskeyMfa, then respondWithPasskey. Only ever an alternative. */
  WEBAUTHN = "WEBAUTHN",
}
// `satisfies` keeps the GraphQL enum and the service's union in step at compile time.
registerEnumType(ChallengeName satisfies Record<PublicChallengeName, ChallengeName>, { name: "ChallengeName", description: "The next step a login needs before tokens are issued." });

@ObjectType({ description: "Tokens issued by the identity provider after every required step, MFA included." })
export class AuthTokens {
  @Field() accessToken!: string;
  @Field() idToken!: string;
  @Field(() => String, { nullable: true, description: "Absent on refresh when the provider does not rotate refresh tokens." })
  refreshToken!: string | null;
  @Field(() => Int, { description: "Access-token lifetime in seconds." }) expiresIn!: number;
  @Field() tokenType!: string;
}

@ObjectType({ description: "A step the user must complete; `session` is an opaque, single-use gateway handle." })
export class AuthChallenge {
  @Field(() => ChallengeName) name!: ChallengeName;
  @Field() session!: string;
  @Field(() => [ChallengeName], { description: "Other ways to answer this step with the same session (WEBAUTHN beside SOFTWARE_TOKEN_MFA when the user has a passkey); `name` stays the default." })
  alternatives!: ChallengeName[];
}

@ObjectType({ description: "Exactly one of `tokens` and `challenge` is set (tested); `result` carries the same answer as a union." })
export class AuthPayload {
  @Field(() => AuthTokens, { nullable: true }) tokens!: AuthTokens | null;
  @Field(() => AuthChallenge, { nullable: true }) challenge!: AuthChallenge | null;
}

@ObjectType({ description: "A TOTP secret to enrol in an authenticator app." })
export class MfaSetup {
  @Field({ description: "Base32 shared secret, for manual entry." }) secret!: string;
  @Field() otpauthUri!: string;
  @Field({ description: "PNG data URL of a QR code for otpauthUri." }) qrCodeDataUrl!: string;
  @Field({ description: "Handle for completeMfaSetup." }) session!: string;
}
