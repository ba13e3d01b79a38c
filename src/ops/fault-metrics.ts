import { Counter, Gauge, type Registry } from "prom-client";

/** What the gateway does instead of failing when a dependency fails: each fallback is counted. */
export class FaultMetrics {
  readonly lostSummaries: Counter;
  readonly spoolBacklog: Gauge;
  readonly lostOutcomes: Counter;
  readonly breakerOpen: Gauge<"subgraph">;

  constructor(registry: Registry) {
    this.lostSummaries = new Counter({ name: "gateway_audit_summaries_lost_total", help: "Refusal summaries that could not be written nor carried into the next interval", registers: [registry] });
    this.spoolBacklog = new Gauge({ name: "gateway_audit_spool_backlog", help: "Audit records in the local spool, not yet shipped to the audit sink", registers: [registry] });
    this.lostOutcomes = new Counter({ name: "gateway_audit_outcomes_lost_total", help: "Outcome records neither the sink nor the spool took (the operation's effect stands; see docs/faults.md)", registers: [registry] });
    this.breakerOpen = new Gauge({ name: "gateway_subgraph_breaker_open", help: "1 while a subgraph's circuit breaker is open (requests fail fast)", labelNames: ["subgraph"], registers: [registry] });
  }
}
