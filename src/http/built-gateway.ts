import type { RequestListener } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { Express } from "express";
import type { GatewayContext } from "../context/gateway-context";
import type { Drain } from "./drain";

/**
 * A gateway's express app (the routes other than the GraphQL fast path), the server's request listener
 * (request-router.ts, in front of that app), its Apollo server and the drain that stops it gracefully.
 */
export type BuiltGateway = { app: Express; listener: RequestListener; apollo: ApolloServer<GatewayContext>; drain: Drain };
