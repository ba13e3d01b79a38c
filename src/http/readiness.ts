import type { Express } from "express";
import type { GatewayDeps } from "./gateway-deps";

/** A dependency that does not answer within this is "unavailable": /readyz itself never hangs. */
const checkTimeoutMs = 1000;

const within = <T>(ms: number, run: () => Promise<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    run().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

type ReadinessDeps = Pick<GatewayDeps, "verifier" | "idp" | "store" | "auditSink" | "auditSpool">;

export const readiness = async (deps: ReadinessDeps): Promise<Record<string, string>> => {
  const check = async (name: string, run: () => Promise<void>): Promise<[string, string]> => {
    try {
      await within(checkTimeoutMs, run);
      return [name, "ok"];
    } catch {
      return [name, "unavailable"];
    }
  };
  const results = await Promise.all([
    check("jwks", () => (deps.verifier.hydrated ? Promise.resolve() : deps.verifier.hydrate())),
    check("identityProvider", () => deps.idp.checkReachable()),
    check("store", () => deps.store.ping()),
    check("auditSink", () => deps.auditSink.check?.() ?? Promise.resolve()),
  ]);
  return Object.fromEntries(results);
};

/** `/healthz`: the process answers. `/readyz`: every dependency answers, each within a second. */
export const mountHealth = (app: Express, deps: ReadinessDeps): void => {
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const checks = await readiness(deps);
    const ready = Object.values(checks).every((v) => v === "ok");
    const details = deps.auditSpool ? { auditSpoolBacklog: deps.auditSpool.backlog } : {};
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks, details });
  });
};
