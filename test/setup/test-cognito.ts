import type { ProvisionedPool } from "../../src/dev/provision-local";

/** Every confirmation code cognito-local sends during tests. */
export const TEST_CODE = "123456";

/** The run's cognito-local, and the private key (PEM) whose public half its custom-auth stand-in verifies answers with. */
export type TestCognito = ProvisionedPool & { endpoint: string; customAuthPrivateKey: string };

const variable = "AUTHGW_TEST_COGNITO";

export const publishTestCognito = (value: TestCognito): void => {
  process.env[variable] = JSON.stringify(value);
};

export const testCognito = (): TestCognito => {
  const raw = process.env[variable];
  if (!raw) throw new Error("cognito-local is not running: run the tests through jest (globalSetup starts it)");
  return JSON.parse(raw) as TestCognito;
};
