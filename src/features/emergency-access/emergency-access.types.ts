import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { IsOptional, Length, Matches, Max, Min } from "class-validator";
import { PageInfo } from "../../schema/page-info";
import type { EmergencyEndReason } from "../../auth/emergency/emergency-grant";
import { UserId } from "../../schema/shared-args";
import { DateTime } from "../../schema/scalars/date-time.scalar";

export enum EmergencyScope {
  READ = "READ",
  READ_WRITE = "READ_WRITE",
}
registerEnumType(EmergencyScope, { name: "EmergencyScope", description: "What an emergency grant lets subgraphs allow: reading records, or also changing them." });

export enum EmergencyVerdict {
  JUSTIFIED = "JUSTIFIED",
  UNJUSTIFIED = "UNJUSTIFIED",
}
registerEnumType(EmergencyVerdict, { name: "EmergencyVerdict", description: "An administrator's review of an emergency grant; UNJUSTIFIED also ends a grant still running." });

export enum EmergencyAccessStatus {
  ACTIVE = "ACTIVE",
  EXPIRED = "EXPIRED",
  ENDED = "ENDED",
  SESSION_ENDED = "SESSION_ENDED",
}
registerEnumType(EmergencyAccessStatus, { name: "EmergencyAccessStatus", description: "SESSION_ENDED: the session it was bound to ended, went idle, or the account was locked, disabled or signed out everywhere." });

export enum EmergencyEndCause {
  ENDED_BY_USER = "ENDED_BY_USER",
  ENDED_BY_ADMIN = "ENDED_BY_ADMIN",
  REPLACED = "REPLACED",
  UNJUSTIFIED = "UNJUSTIFIED",
}
registerEnumType(EmergencyEndCause, {
  name: "EmergencyEndCause",
  description: "Why a grant was ended before it expired.",
  valuesConfig: { ENDED_BY_USER: { description: "By its holder." }, ENDED_BY_ADMIN: { description: "By an administrator." }, REPLACED: { description: "A newer grant of the same session took its place." }, UNJUSTIFIED: { description: "A review found it unjustified." } },
});

// Keeps the GraphQL enum and the grant record's union in step at compile time.
export const endCauseOf: Record<EmergencyEndReason, EmergencyEndCause> = EmergencyEndCause;

/** Shortest reason accepted: a word or two is not an account of an emergency. */
export const reasonMinLength = 20;
const PatientRef = () => Matches(/^[\w.:-]{1,128}$/, { message: "patientRef is not a valid reference" });

@InputType()
export class EmergencyAccessInput {
  @Field({ description: `Why the ordinary rules are not enough (at least ${reasonMinLength} characters). Stored for the review; never logged or alerted.` })
  @Length(reasonMinLength, 1000)
  reason!: string;

  @Field(() => ID, { nullable: true, description: "The one patient the grant covers; unset = every patient." })
  @IsOptional()
  @PatientRef()
  patientRef?: string | null;

  @Field(() => EmergencyScope, { defaultValue: EmergencyScope.READ }) scope!: EmergencyScope;

  @Field(() => Int, { nullable: true, description: "How long, in minutes; unset or more than EMERGENCY_ACCESS_MINUTES = not allowed beyond it." })
  @IsOptional()
  @Min(1)
  @Max(120)
  minutes?: number;
}


const GrantId = () => Matches(/^[0-9a-f-]{36}$/, { message: "id is not a valid grant id" });

@ArgsType()
export class EmergencyAccessIdArgs {
  @Field(() => ID) @GrantId() id!: string;
}

@ArgsType()
export class ReviewEmergencyAccessArgs extends EmergencyAccessIdArgs {
  @Field(() => EmergencyVerdict) verdict!: EmergencyVerdict;
  @Field({ description: "The reviewer's findings (stored with the grant, never logged)." }) @Length(1, 2000) note!: string;
}

@InputType()
export class EmergencyAccessFilter {
  @Field(() => EmergencyAccessStatus, { nullable: true }) status?: EmergencyAccessStatus;
  @Field(() => Boolean, { nullable: true, description: "true: only grants not reviewed yet; false: only reviewed ones." }) unreviewed?: boolean;
  @Field(() => ID, { nullable: true, description: "Only this user's grants (their sub)." }) @IsOptional() @UserId() userId?: string;
}

@ArgsType()
export class EmergencyAccessesArgs {
  @Field(() => Int, { defaultValue: 20 }) @Min(1) @Max(60) first!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @GrantId() after?: string;
}

@ObjectType({ description: "An emergency (break-glass) grant." })
export class EmergencyAccess {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: "The provider's sub." }) userId!: string;
  @Field(() => EmergencyScope) scope!: EmergencyScope;
  @Field(() => ID, { nullable: true }) patientRef!: string | null;
  @Field() reason!: string;
  @Field({ deprecationReason: "use grantTime; removed in 2.0" }) grantedAt!: string;
  @Field({ deprecationReason: "use expireTime; removed in 2.0" }) expiresAt!: string;
  @Field(() => DateTime) grantTime!: Date;
  @Field(() => DateTime) expireTime!: Date;
  @Field(() => EmergencyAccessStatus) status!: EmergencyAccessStatus;
  @Field(() => String, { nullable: true, deprecationReason: "use endTime; removed in 2.0" }) endedAt!: string | null;
  @Field(() => DateTime, { nullable: true }) endTime!: Date | null;
  @Field(() => String, { nullable: true, description: "ENDED_BY_USER, ENDED_BY_ADMIN, REPLACED (a newer grant of the session) or UNJUSTIFIED.", deprecationReason: "use endCause; removed in 2.0" })
  endReason!: string | null;
  @Field(() => EmergencyEndCause, { nullable: true, description: "Null while the grant runs or when it simply expired." }) endCause!: EmergencyEndCause | null;
  @Field(() => EmergencyVerdict, { nullable: true }) verdict!: EmergencyVerdict | null;
  @Field(() => String, { nullable: true }) reviewNote!: string | null;
  @Field(() => ID, { nullable: true }) reviewedBy!: string | null;
  @Field(() => String, { nullable: true, deprecationReason: "use reviewTime; removed in 2.0" }) reviewedAt!: string | null;
  @Field(() => DateTime, { nullable: true }) reviewTime!: Date | null;
  @Field(() => String, { nullable: true, description: "When the overdue-review escalation alert was raised.", deprecationReason: "use escalateTime; removed in 2.0" }) escalatedAt!: string | null;
  @Field(() => DateTime, { nullable: true, description: "When the overdue-review escalation alert was raised." }) escalateTime!: Date | null;
}

@ObjectType()
export class EmergencyAccessConnection {
  @Field(() => [EmergencyAccess]) nodes!: EmergencyAccess[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
