import { ArgsType, Field, ID, InputType, ObjectType } from "type-graphql";
import { IsISO8601, IsOptional, Matches, ValidateNested } from "class-validator";
import { PageInfo } from "../../schema/page-info";
import { PageArgs, UserId } from "../../schema/shared-args";
import { DateTime } from "../../schema/scalars/date-time.scalar";

const code = /^[A-Z][A-Z0-9_]{0,63}$/;

@InputType({ description: "Every given condition must hold. `fromTime` is inclusive, `toTime` exclusive." })
export class AuditEventFilter {
  @Field(() => ID, { nullable: true, description: "The account the record is about (its sub)." }) @IsOptional() @UserId() subject?: string;
  @Field(() => ID, { nullable: true, description: "The administrator who acted (their sub)." }) @IsOptional() @UserId() actor?: string;
  @Field({ nullable: true, description: "An event type, e.g. LOGIN, ADMIN_DISABLE_USER, AUDIT_READ." }) @IsOptional() @Matches(code, { message: "event is an upper-case event name" }) event?: string;
  @Field({ nullable: true, description: "SUCCESS, FAILURE, CHALLENGE, INTENT…" }) @IsOptional() @Matches(code, { message: "outcome is an upper-case outcome" }) outcome?: string;
  @Field({ nullable: true, description: "ISO 8601; give this or fromTime.", deprecationReason: "use fromTime; removed in 2.0" }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @Field({ nullable: true, description: "ISO 8601; give this or toTime.", deprecationReason: "use toTime; removed in 2.0" }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @Field(() => DateTime, { nullable: true }) fromTime?: Date;
  @Field(() => DateTime, { nullable: true }) toTime?: Date;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  // class-validator only descends into a nested input when told to.
  @Field(() => AuditEventFilter, { nullable: true }) @IsOptional() @ValidateNested() filter?: AuditEventFilter;
}

@ObjectType({ description: "One audit record. Records never hold a password, code, token, email or GraphQL variables." })
export class AuditEntry {
  @Field(() => ID, { description: "stream:seq in PostgreSQL, the line number in a file." }) id!: string;
  @Field({ description: "ISO 8601.", deprecationReason: "use eventTime; removed in 2.0" }) time!: string;
  @Field(() => DateTime) eventTime!: Date;
  @Field() event!: string;
  @Field() outcome!: string;
  @Field(() => String, { nullable: true, description: "Public error code or challenge name." }) reason!: string | null;
  @Field(() => ID, { nullable: true }) subject!: string | null;
  @Field(() => ID, { nullable: true }) actor!: string | null;
  @Field(() => String, { nullable: true, description: "Operation or field, for permission denials and reads." }) target!: string | null;
  @Field(() => String, { nullable: true }) clientId!: string | null;
  @Field() requestId!: string;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
}

@ObjectType()
export class AuditEntryConnection {
  @Field(() => [AuditEntry]) nodes!: AuditEntry[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
