import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUserGlobalSignOutCommand,
  ListUsersCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { AppGroup, DirectoryUser, IdentityAdmin, UserPage } from "../identity-provider";
import { translateCognitoError } from "./map-cognito-error";
import { normalizeEmail } from "../../shared/email";

const appGroups: readonly string[] = ["admin", "provider", "patient"];

/** A user as Cognito describes it, in our words. */
const toDirectoryUser = (user: { Username?: string; Attributes?: AttributeType[]; UserAttributes?: AttributeType[]; Enabled?: boolean; UserStatus?: string; UserCreateDate?: Date }): DirectoryUser => {
  const attributes = user.Attributes ?? user.UserAttributes ?? [];
  const attr = (name: string) => attributes.find((a) => a.Name === name)?.Value;
  const sub = attr("sub") ?? user.Username;
  if (!sub) throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error("Cognito user without sub"));
  return {
    sub,
    email: attr("email") ?? "",
    emailVerified: attr("email_verified") === "true",
    givenName: attr("given_name"),
    familyName: attr("family_name"),
    enabled: user.Enabled ?? true,
    status: user.UserStatus ?? "UNKNOWN",
    createdAt: user.UserCreateDate,
  };
};

/** ListUsers filter syntax: a quoted string in which quotes and backslashes are escaped. */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The administrative half of the Cognito adapter (IAM-authorised calls). */
export class CognitoAdmin implements IdentityAdmin {
  constructor(private readonly options: { client: CognitoIdentityProviderClient; userPoolId: string; emulator?: boolean }) {}

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateCognitoError(error, "admin");
    }
  }

  private get pool() {
    return { UserPoolId: this.options.userPoolId };
  }

  async createUser(given: { email: string; givenName?: string | undefined; familyName?: string | undefined }): Promise<DirectoryUser> {
    const input = { ...given, email: normalizeEmail(given.email) };
    const attributes = [
      { Name: "email", Value: input.email },
      // The invitation (with the temporary password) goes to this address: using it proves control of it.
      { Name: "email_verified", Value: "true" },
      ...(input.givenName ? [{ Name: "given_name", Value: input.givenName }] : []),
      ...(input.familyName ? [{ Name: "family_name", Value: input.familyName }] : []),
    ];
    const answer = await this.call(() =>
      this.options.client.send(new AdminCreateUserCommand({ ...this.pool, Username: input.email, UserAttributes: attributes, DesiredDeliveryMediums: ["EMAIL"] })),
    );
    if (!answer.User) throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error("AdminCreateUser without a user"));
    return toDirectoryUser(answer.User);
  }

  async getUser(sub: string): Promise<DirectoryUser & { groups: AppGroup[] }> {
    const [user, groups] = await this.call(() =>
      Promise.all([
        this.options.client.send(new AdminGetUserCommand({ ...this.pool, Username: sub })),
        this.options.client.send(new AdminListGroupsForUserCommand({ ...this.pool, Username: sub })),
      ]),
    );
    const names = (groups.Groups ?? []).map((g) => g.GroupName ?? "").filter((g): g is AppGroup => appGroups.includes(g));
    return { ...toDirectoryUser(user), groups: names };
  }

  async findSub(email: string): Promise<string | undefined> {
    try {
      const user = await this.options.client.send(new AdminGetUserCommand({ ...this.pool, Username: normalizeEmail(email) }));
      return toDirectoryUser(user).sub;
    } catch (error) {
      const translated = translateCognitoError(error, "admin");
      if (translated instanceof GatewayError && translated.code === ErrorCode.NOT_FOUND) return undefined;
      throw translated;
    }
  }

  async setPassword(sub: string, password: string): Promise<void> {
    await this.call(() => this.options.client.send(new AdminSetUserPasswordCommand({ ...this.pool, Username: sub, Password: password, Permanent: true })));
  }

  async setEnabled(sub: string, enabled: boolean): Promise<void> {
    const command = enabled ? new AdminEnableUserCommand({ ...this.pool, Username: sub }) : new AdminDisableUserCommand({ ...this.pool, Username: sub });
    await this.call(() => this.options.client.send(command));
  }

  async setEmail(sub: string, email: string): Promise<void> {
    const attributes = [{ Name: "email", Value: email }, { Name: "email_verified", Value: "true" }];
    await this.call(() => this.options.client.send(new AdminUpdateUserAttributesCommand({ ...this.pool, Username: sub, UserAttributes: attributes })));
  }

  async addToGroup(sub: string, group: AppGroup): Promise<void> {
    await this.call(() => this.options.client.send(new AdminAddUserToGroupCommand({ ...this.pool, Username: sub, GroupName: group })));
  }

  async removeFromGroup(sub: string, group: AppGroup): Promise<void> {
    await this.call(() => this.options.client.send(new AdminRemoveUserFromGroupCommand({ ...this.pool, Username: sub, GroupName: group })));
  }

  async globalSignOut(sub: string): Promise<void> {
    if (this.options.emulator) return;
    await this.call(() => this.options.client.send(new AdminUserGlobalSignOutCommand({ ...this.pool, Username: sub })));
  }

  async resetMfa(sub: string): Promise<void> {
    if (this.options.emulator) return;
    await this.call(() =>
      this.options.client.send(new AdminSetUserMFAPreferenceCommand({ ...this.pool, Username: sub, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } })),
    );
  }

  async listUsers(query: { emailPrefix: string | undefined; limit: number; nextToken: string | undefined }): Promise<UserPage> {
    const answer = await this.call(() =>
      this.options.client.send(
        new ListUsersCommand({
          ...this.pool,
          Limit: query.limit,
          PaginationToken: query.nextToken,
          Filter: query.emailPrefix ? `email ^= ${quoted(normalizeEmail(query.emailPrefix))}` : undefined,
        }),
      ),
    );
    return { users: (answer.Users ?? []).map(toDirectoryUser), nextToken: answer.PaginationToken };
  }
}
