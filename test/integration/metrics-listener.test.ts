import { MeDocument } from "../generated/graphql";
import { dataOf } from "../support/graphql-client";
import { startTestGateway, testRedisStore, testSettings } from "../support/test-gateway";
import { enrolledUser } from "../support/users";

const metricsOf = (port: number) => fetch(`http://127.0.0.1:${port}/metrics`);

describe("/metrics on its own listener (METRICS_PORT)", () => {
  it("is served there, counting the API's requests, and is 404 on the API port", async () => {
    const gw = await startTestGateway({ settings: { metricsPort: 0 } });
    try {
      const user = await enrolledUser(gw);
      dataOf(await gw.run(MeDocument, {}, { token: user.accessToken }));
      expect(gw.metricsPort).toEqual(expect.any(Number));
      expect(gw.metricsPort).not.toBe(gw.port);
      const own = await metricsOf(gw.metricsPort!);
      expect(own.status).toBe(200);
      expect(await own.text()).toMatch(/gateway_graphql_requests_total\{operation="me",outcome="ok"\} 1/);
      expect((await metricsOf(gw.port)).status).toBe(404);
      // The metrics listener is not a second door to the API.
      expect((await fetch(`http://127.0.0.1:${gw.metricsPort}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ __typename }"}' })).status).toBe(404);
    } finally {
      await gw.close();
    }
  });

  it("is never on the API port in production, with or without METRICS_PORT", async () => {
    const store = testRedisStore();
    const production = (metricsPort: number | undefined) =>
      startTestGateway({ store, settings: { gatewayMode: "production", metricsPort, totpSealKey: "t".repeat(32), cognito: { ...testSettings().cognito, emulator: false } } });
    const without = await production(undefined);
    try {
      expect(without.metricsPort).toBeUndefined();
      expect((await metricsOf(without.port)).status).toBe(404);
    } finally {
      await without.close();
    }
    const withPort = await production(0);
    try {
      expect((await metricsOf(withPort.port)).status).toBe(404);
      expect((await metricsOf(withPort.metricsPort!)).status).toBe(200);
    } finally {
      await withPort.close();
      await store.close();
    }
  });

  it("production refuses an emulated Cognito or the memory store, whoever builds the settings", async () => {
    await expect(startTestGateway({ settings: { gatewayMode: "production" } })).rejects.toThrow("production mode cannot start with no REDIS_URL (the memory store), an emulated Cognito");
  });
});

describe("HTTP keep-alive (HTTP_KEEP_ALIVE_SECONDS)", () => {
  it("keeps an idle connection as long as set, above a load balancer's 60 s, and says so in Keep-Alive", async () => {
    const gw = await startTestGateway({ settings: { keepAliveSeconds: 65 } });
    try {
      const res = await fetch(`http://127.0.0.1:${gw.port}/healthz`);
      expect(res.headers.get("keep-alive")).toBe("timeout=65");
    } finally {
      await gw.close();
    }
  });
});
