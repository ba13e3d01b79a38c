import { FaultMetrics } from "./fault-metrics";
import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { Fetcher } from "aws-jwt-verify/https";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { AuditRecord } from "../audit/audit-event";
import type { AuditSink } from "../audit/audit-log";
import type { Logger } from "../shared/logger";

/** Audit events that mean a message to a person was never delivered (an operator must look). */
const deadLetterEvents: ReadonlySet<string> = new Set(["EMERGENCY_ALERT_DEAD_LETTER", "SECURITY_NOTICE_DEAD_LETTER"]);

/** Prometheus metrics (prom-client). Labels carry operation and event names only, never identities. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: "gateway_graphql_requests_total", help: "GraphQL requests by operation and outcome", labelNames: ["operation", "outcome"], registers: [this.registry] });
  private readonly duration = new Histogram({
    name: "gateway_graphql_request_duration_seconds",
    help: "GraphQL request duration",
    labelNames: ["operation", "outcome"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly authEvents = new Counter({ name: "gateway_auth_events_total", help: "Audited authentication events (LOCKOUT counts lockouts)", labelNames: ["event", "outcome"], registers: [this.registry] });
  private readonly auditWriteFailures = new Counter({ name: "gateway_audit_write_failures_total", help: "Audit records the sink could not write (the operation failed closed)", registers: [this.registry] });
  private readonly cognito = new Histogram({
    name: "gateway_cognito_request_duration_seconds",
    help: "Calls to Cognito by command and outcome",
    labelNames: ["command", "outcome"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly emergency = new Counter({ name: "gateway_emergency_access_events_total", help: "Emergency access grants, overdue-review escalations and undeliverable alerts", labelNames: ["event"], registers: [this.registry] });
  private readonly jwksFetches = new Counter({ name: "gateway_jwks_fetches_total", help: "JWKS downloads (start-up and unknown key ids)", labelNames: ["outcome"], registers: [this.registry] });

  readonly faults = new FaultMetrics(this.registry);

  /** `logger`: the counters an operator must be alarmed on are also log lines (CloudWatch alarms read logs, not /metrics). */
  constructor(private readonly logger?: Pick<Logger, "warn" | "error">) {
    collectDefaultMetrics({ register: this.registry, prefix: "gateway_" });
  }

  /** Per operation and outcome, the counter and histogram children: labels are hashed once, not per request. */
  private readonly requestSeries = new Map<string, { count: { inc(): void }; time: { observe(value: number): void } }>();

  observeRequest(operation: string | null, outcome: "ok" | "error", seconds: number): void {
    const name = operation ?? "anonymous";
    const key = `${outcome}:${name}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      // Bounded: operation names are root fields of the schema (never client-chosen names).
      series = { count: this.requests.labels({ operation: name, outcome }), time: this.duration.labels({ operation: name, outcome }) };
      this.requestSeries.set(key, series);
    }
    series.count.inc();
    series.time.observe(seconds);
  }

  countEmergency(event: "granted" | "escalated" | "alert_dead_letter"): void {
    this.emergency.inc({ event });
  }

  /** Token-cache hit ratio, read when Prometheus scrapes. */
  watchTokenCache(stats: { hits: number; misses: number }): void {
    new Gauge({ name: "gateway_token_cache_hits", help: "Verified-token cache hits since start", registers: [this.registry], collect() { this.set(stats.hits); } });
    new Gauge({ name: "gateway_token_cache_misses", help: "Verified-token cache misses since start", registers: [this.registry], collect() { this.set(stats.misses); } });
  }

  /** Times every Cognito call the SDK client makes. */
  instrumentCognito(client: CognitoIdentityProviderClient): void {
    const histogram = this.cognito;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const stop = histogram.startTimer({ command: String(context.commandName) });
        try {
          const result = await next(args);
          stop({ outcome: "ok" });
          return result;
        } catch (error) {
          stop({ outcome: error instanceof Error ? error.name : "error" });
          throw error;
        }
      },
      { step: "initialize", name: "gatewayMetrics" },
    );
  }

  countingFetcher(inner: Fetcher): Fetcher {
    return {
      fetch: async (uri, options, data) => {
        try {
          const body = await inner.fetch(uri, options, data);
          this.jwksFetches.inc({ outcome: "ok" });
          return body;
        } catch (error) {
          this.jwksFetches.inc({ outcome: "error" });
          throw error;
        }
      },
    };
  }

  /** Counts audit events on their way to the real sink (only after it wrote them). */
  countingSink(inner: AuditSink): AuditSink {
    return {
      write: async (record: AuditRecord) => {
        try {
          await inner.write(record);
        } catch (error) {
          this.auditWriteFailures.inc();
          // The event type and the error's class only: never the record (identities) or the error's text.
          this.logger?.error({ event: "AUDIT_WRITE_FAILED", auditEvent: record.event, error: error instanceof Error ? error.name : "unknown" }, "audit write failed");
          throw error;
        }
        this.authEvents.inc({ event: record.event, outcome: record.outcome });
        if (deadLetterEvents.has(record.event)) this.logger?.warn({ event: record.event, requestId: record.requestId }, "undeliverable message recorded in the audit trail");
      },
      close: () => inner.close?.() ?? Promise.resolve(),
      check: () => inner.check?.() ?? Promise.resolve(),
    };
  }
}
