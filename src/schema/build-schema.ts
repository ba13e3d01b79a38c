import "reflect-metadata";
import { buildSchemaSync } from "type-graphql";
import { GraphQLSchema } from "graphql";
import { AuthResolver } from "./auth/auth.resolver";
import { AuthPayloadFields } from "./auth/auth-result.resolver";
import { AccountResolver } from "./account/account.resolver";
import { AdminResolver } from "./admin/admin.resolver";
import { AuditResolver } from "./audit/audit.resolver";
import { EmergencyResolver } from "./emergency/emergency.resolver";
import { PasswordResolver } from "./password/password.resolver";
import { PasskeysResolver } from "./passkeys/passkeys.resolver";
import { RecoveryResolver } from "./passkeys/recovery.resolver";
import { MeResolver } from "./viewer/me.resolver";
import { OAuthResolver } from "./oauth/oauth.resolver";
import { ErrorCodeEnum, ErrorReasonEnum } from "./errors/error-enums";

/** The gateway's own schema, before permissions are applied. schema.graphql is printed from it. */
export const buildGatewaySchema = (): GraphQLSchema => {
  const built = buildSchemaSync({
    resolvers: [AuthResolver, AuthPayloadFields, OAuthResolver, MeResolver, PasswordResolver, AccountResolver, AdminResolver, AuditResolver, PasskeysResolver, RecoveryResolver, EmergencyResolver],
    // Without these, class-validator errors would echo the argument (the password) back to the client.
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
  // No field returns the error enums (errors travel in `extensions`), so they join the schema as extra types.
  const config = built.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, ErrorCodeEnum, ErrorReasonEnum] });
};
