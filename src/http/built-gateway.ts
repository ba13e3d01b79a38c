import type { ApolloServer } from "@apollo/server";
import type { Express } from "express";
import type { GatewayContext } from "../context/gateway-context";
import type { Drain } from "./drain";

/** A gateway's express app, its Apollo server and the drain that stops it gracefully. */
export type BuiltGateway = { app: Express; apollo: ApolloServer<GatewayContext>; drain: Drain };
