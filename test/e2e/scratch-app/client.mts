// An app signing in with the client package (as installed from its tarball), then asking through Apollo Client.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { createAuthClient, type SignInResult } from "@hipaa-auth-gateway/client";
import { createAuthLink } from "@hipaa-auth-gateway/client/apollo";

const url = process.env["GATEWAY_URL"] ?? "";
const auth = createAuthClient({ url });
let result: SignInResult = await auth.signIn(process.env["USER_EMAIL"] ?? "", process.env["USER_PASSWORD"] ?? "");
const steps: string[] = [];
while (!result.isSignedIn) {
  const step = result.nextStep;
  steps.push(step.name);
  if (step.name !== "SOFTWARE_TOKEN_MFA") throw new Error(`unexpected step ${step.name}`);
  result = await step.submitCode(process.env["TOTP_CODE"] ?? "");
}
const apollo = new ApolloClient({ link: createAuthLink(auth).concat(new HttpLink({ uri: url })), cache: new InMemoryCache() });
const { data } = await apollo.query<{ me: { sub: string }; whoami: string | null }>({ query: gql`{ me { sub } whoami }` });
process.stdout.write(`${JSON.stringify({ steps, me: data?.me.sub, whoami: data?.whoami })}\n`);
