/** cognito-local accepts any credentials; the SDK still wants some. */
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };
