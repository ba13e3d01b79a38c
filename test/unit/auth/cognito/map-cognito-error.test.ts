import { AccountExistsError } from "../../../../src/auth/identity-provider";
import { translateCognitoError, type CognitoOperation } from "../../../../src/auth/cognito/map-cognito-error";
import { GatewayError } from "../../../../src/errors/error-codes";

const cognitoError = (name: string, status = 400) => Object.assign(new Error(`raw Cognito text for ${name} user@example.com`), { name, $metadata: { httpStatusCode: status } });

describe("translateCognitoError", () => {
  it.each<[CognitoOperation, string, string]>([
    ["passwordAuth", "NotAuthorizedException", "INVALID_CREDENTIALS"],
    ["passwordAuth", "UserNotFoundException", "INVALID_CREDENTIALS"],
    ["passwordAuth", "InvalidPasswordException", "INVALID_CREDENTIALS"],
    ["passwordAuth", "UserNotConfirmedException", "USER_NOT_CONFIRMED"],
    ["passwordAuth", "TooManyRequestsException", "TOO_MANY_REQUESTS"],
    ["signUp", "InvalidPasswordException", "PASSWORD_POLICY_VIOLATION"],
    ["signUp", "InvalidParameterException", "BAD_USER_INPUT"],
    ["confirmSignUp", "CodeMismatchException", "CODE_MISMATCH"],
    ["confirmSignUp", "UserNotFoundException", "CODE_MISMATCH"],
    ["confirmSignUp", "NotAuthorizedException", "CODE_MISMATCH"],
    ["confirmSignUp", "ExpiredCodeException", "CODE_MISMATCH"],
    ["confirmForgotPassword", "ExpiredCodeException", "CODE_MISMATCH"],
    ["answerChallenge", "ExpiredCodeException", "CODE_MISMATCH"],
    ["answerChallenge", "NotAuthorizedException", "SESSION_EXPIRED"],
    ["answerChallenge", "CodeMismatchException", "CODE_MISMATCH"],
    ["enrolSoftwareToken", "EnableSoftwareTokenMFAException", "CODE_MISMATCH"],
    ["refresh", "NotAuthorizedException", "UNAUTHENTICATED"],
    ["passwordAuth", "SomethingNewException", "INTERNAL_SERVER_ERROR"],
  ])("%s: %s → %s, without Cognito's message", (operation, name, code) => {
    const translated = translateCognitoError(cognitoError(name), operation);
    expect(translated).toBeInstanceOf(GatewayError);
    expect((translated as GatewayError).code).toBe(code);
    expect(translated.message).not.toMatch(/raw Cognito|example\.com/);
  });

  it("treats 5xx answers and network failures as SERVICE_UNAVAILABLE", () => {
    expect((translateCognitoError(cognitoError("InternalServerError", 500), "passwordAuth") as GatewayError).code).toBe("SERVICE_UNAVAILABLE");
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect((translateCognitoError(refused, "refresh") as GatewayError).code).toBe("SERVICE_UNAVAILABLE");
  });

  it("marks an existing account on sign-up for the service to mask", () => {
    expect(translateCognitoError(cognitoError("UsernameExistsException"), "signUp")).toBeInstanceOf(AccountExistsError);
  });
});
