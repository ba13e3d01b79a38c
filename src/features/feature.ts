import type { AuditEventType } from "../audit/audit-event";
import type { FactorId } from "../auth/factors/factor";
import type { ErrorReason } from "../errors/error-codes";
import type { FieldRule } from "../permissions/rules";
import type { FieldLimit } from "../permissions/rate-limits";
import type { FeatureName } from "./feature-names";

export type { FeatureName } from "./feature-names";

/** A type-graphql resolver class (decorated with @Resolver). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type for resolver classes.
export type ResolverClass = Function;

/**
 * One feature of the API, as a module (the way better-auth plugins carry their endpoints): the schema, the
 * permission map and the per-field limits are assembled from the list of enabled features (features.ts), so
 * a feature that is off is absent from all three.
 */
export type Feature = {
  readonly name: FeatureName;
  /** Its type-graphql resolver classes; a class belongs to exactly one feature. */
  readonly resolvers: readonly [ResolverClass, ...ResolverClass[]];
  /**
   * A rule for every root field its resolvers add and for every object type it defines (deny by default:
   * anything missing is refused, and the permission-map test fails).
   */
  readonly permissions: {
    readonly Query?: Readonly<Record<string, FieldRule>>;
    readonly Mutation?: Readonly<Record<string, FieldRule>>;
    readonly types?: Readonly<Record<string, FieldRule>>;
  };
  /** Limits of its own on top of the gateway-wide per-address, per-account and per-user ones, by mutation. */
  readonly limits?: Readonly<Record<string, FieldLimit>>;
  /** The audit event names it records (each name is owned by one feature, or by the gateway's core list). */
  readonly auditEvents: readonly AuditEventType[];
  /** The second factor it carries, if any: with the feature off the login machine neither offers nor asks it. */
  readonly factor?: FactorId;
  /** The error reasons only it answers with. */
  readonly errorReasons?: readonly ErrorReason[];
};
