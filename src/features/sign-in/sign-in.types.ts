import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "The same answer whether or not the email was already registered." })
export class RegisterPayload {
  @Field({ description: "Always true: a confirmation code is sent if the account can be created." }) accepted!: boolean;
  @Field({ description: "What the client should ask the user for next." }) nextStep!: string;
}
