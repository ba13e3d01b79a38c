import { FreshFactorArgs } from "../../schema/fresh-factor.args";
import { IsOptional, Length, Matches } from "class-validator";
import { ArgsType, Field, ID, ObjectType } from "type-graphql";
import { EmailAddress, SessionArgs, UserIdArgs } from "../../schema/shared-args";
import { DateTime } from "../../schema/scalars/date-time.scalar";

/** A client's WebAuthn answer (RegistrationResponseJSON / AuthenticationResponseJSON, as @simplewebauthn/browser gives it). */
const WebAuthnJson = () => Length(2, 64 * 1024);
const CredentialId = () => Matches(/^[\w-]{1,1400}$/, { message: "id is not a credential id" });
const Nickname = () => Length(1, 64);

@ObjectType({ description: "A registered passkey. Only public material is stored; the private key never leaves the authenticator." })
export class Passkey {
  @Field(() => ID, { description: "The credential id (base64url); the `id` argument of renamePasskey, removePasskey and adminRemovePasskey." }) id!: string;
  @Field() nickname!: string;
  @Field({ description: "ISO-8601.", deprecationReason: "use createTime; removed in 2.0" }) createdAt!: string;
  @Field(() => DateTime, { description: "When the passkey was registered." }) createTime!: Date;
  @Field(() => String, { nullable: true, description: "ISO-8601; null until first used to sign in.", deprecationReason: "use lastUseTime; removed in 2.0" }) lastUsedAt!: string | null;
  @Field(() => DateTime, { nullable: true, description: "Null until first used to sign in." }) lastUseTime!: Date | null;
  @Field({ description: "singleDevice (bound to one authenticator, e.g. a security key) or multiDevice (a synced passkey)." }) deviceType!: string;
  @Field({ description: "Whether the passkey is currently backed up (synced) by its provider." }) backedUp!: boolean;
  @Field({ description: "Authenticator model id (AAGUID); all zeros when the authenticator does not say." }) aaguid!: string;
  @Field({ description: "The authenticator verified the user (PIN, biometrics) at registration." }) userVerified!: boolean;
}

@ObjectType({ description: "WebAuthn request options (JSON for navigator.credentials.get) and the single-use handle to answer with." })
export class PasskeyChallenge {
  @Field({ description: "PublicKeyCredentialRequestOptionsJSON." }) options!: string;
  @Field({ description: "Opaque, single-use, expires like other challenge handles." }) session!: string;
}

@ArgsType()
export class CompletePasskeyRegistrationArgs {
  @Field({ description: "RegistrationResponseJSON from navigator.credentials.create (e.g. @simplewebauthn/browser startRegistration)." }) @WebAuthnJson() response!: string;
  @Field() @Nickname() nickname!: string;
}

@ArgsType()
export class RenamePasskeyArgs extends FreshFactorArgs {
  @Field() @CredentialId() id!: string;
  @Field() @Nickname() nickname!: string;
}

@ArgsType()
export class RemovePasskeyArgs extends FreshFactorArgs {
  @Field() @CredentialId() id!: string;
}

@ArgsType()
export class AdminRemovePasskeyArgs extends UserIdArgs {
  @Field() @CredentialId() id!: string;
}

@ArgsType()
export class BeginPasskeyLoginArgs {
  @Field(() => String, { nullable: true, description: "Optional: the passkey must then belong to this account. Omit for a discoverable sign-in." })
  @IsOptional()
  @EmailAddress()
  email?: string | undefined;
}

@ArgsType()
export class PasskeyAnswerArgs extends SessionArgs {
  @Field({ description: "AuthenticationResponseJSON from navigator.credentials.get (e.g. @simplewebauthn/browser startAuthentication)." }) @WebAuthnJson() response!: string;
}

