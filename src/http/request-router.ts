import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Express } from "express";
import { requestIdOf } from "../context/build-context";
import type { Drain } from "./drain";
import { serveFastLane, takesFastLane, type FastLane } from "./graphql-handler";

export type GraphqlRoute = Pick<FastLane, "apollo" | "buildContext">;

/**
 * The server's request listener: node:http routing in front of the shell's express app. The common
 * `POST /graphql` with a JSON body goes straight to Apollo (graphql-handler.ts); every other request —
 * health, metrics, the playground, OAuth pages, and GraphQL requests of any other shape — is handed to the
 * express app through its public entry point (an express app is itself a request listener).
 */
export class RequestRouter {
  private lane: FastLane | undefined;

  constructor(
    private readonly shell: Express,
    private readonly options: { corsConfigured: boolean; drain?: Pick<Drain, "active"> },
  ) {}

  /** Opens the direct route once Apollo has started (gateway mode: once the supergraph is composed). */
  routeGraphql(route: GraphqlRoute): void {
    const drain = this.options.drain;
    this.lane = { ...route, requestIdOf, draining: () => drain?.active ?? false };
  }

  readonly listener: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const lane = this.lane;
    if (lane !== undefined && takesFastLane(req, this.options.corsConfigured)) serveFastLane(lane, req, res);
    else this.shell(req, res);
  };
}
