import { LoginDocument, MeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { startTestGateway } from "../support/test-gateway";
import { enrolledUser, PASSWORD } from "../support/users";

it("exposes request, auth-event, lockout, token-cache, Cognito and JWKS metrics at /metrics, without identities", async () => {
  const gw = await startTestGateway();
  try {
    const user = await enrolledUser(gw);
    for (let i = 0; i < 3; i++) dataOf(await gw.run(MeDocument, {}, { token: user.accessToken }));
    dataOf(await gw.run<{ me: { sub: string } }, object>(`query WhateverNameTheClientPicks { me { sub } }`, {}, { token: user.accessToken }));
    for (let i = 0; i < 5; i++) await gw.run(LoginDocument, { email: user.email, password: "Wrong-Passw0rd-!!" });
    await gw.run(LoginDocument, { email: user.email, password: PASSWORD });
    const text = await (await fetch(gw.url.replace("/graphql", "/metrics"))).text();
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="me",outcome="ok"\} 4/);
    expect(text).toMatch(/gateway_graphql_request_duration_seconds_bucket\{le="[\d.]+",operation="login",outcome="error"\}/);
    expect(text).toMatch(/gateway_auth_events_total\{event="LOCKOUT",outcome="SUCCESS"\} 1/);
    expect(text).toMatch(/gateway_auth_events_total\{event="LOGIN",outcome="FAILURE"\} [6-9]/);
    expect(text).toMatch(/gateway_token_cache_hits [3-9]/);
    expect(text).toMatch(/gateway_cognito_request_duration_seconds_count\{command="InitiateAuthCommand",outcome="ok"\} \d+/);
    expect(text).toMatch(/gateway_jwks_fetches_total\{outcome="ok"\} 1/);
    expect(text).not.toContain("WhateverNameTheClientPicks");
    expect(text).not.toContain(user.email);
  } finally {
    await gw.close();
  }
});
