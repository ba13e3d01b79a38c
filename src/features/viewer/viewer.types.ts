import { Field, ID, ObjectType } from "type-graphql";
import { PageInfo } from "../../schema/page-info";
import { DateTime } from "../../schema/scalars/date-time.scalar";

@ObjectType({ description: "A login session of the signed-in user." })
export class SessionInfo {
  @Field(() => ID) id!: string;
  @Field({ description: "ISO 8601.", deprecationReason: "use createTime; removed in 2.0" }) createdAt!: string;
  @Field(() => DateTime, { description: "When the session began (the login)." }) createTime!: Date;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field({ description: "The session this request belongs to." }) current!: boolean;
}

@ObjectType({ description: "A sign-in step of the signed-in user: password, MFA, first password, lockout." })
export class LoginActivity {
  @Field({ description: "ISO 8601.", deprecationReason: "use eventTime; removed in 2.0" }) time!: string;
  @Field(() => DateTime) eventTime!: Date;
  @Field({ description: "LOGIN, MFA_CHALLENGE, MFA_SETUP_COMPLETE, NEW_PASSWORD, PASSWORD_EXPIRED_CHANGE or LOCKOUT." }) event!: string;
  @Field() outcome!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
}

@ObjectType()
export class LoginActivityConnection {
  @Field(() => [LoginActivity]) nodes!: LoginActivity[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
