// CommonJS consumers get the require build of both packages.
const client = require("@hipaa-auth-gateway/client");
const apollo = require("@hipaa-auth-gateway/client/apollo");
const subgraph = require("@hipaa-auth-gateway/subgraph-auth");
const shield = require("@hipaa-auth-gateway/subgraph-auth/shield");
process.stdout.write(JSON.stringify([typeof client.createAuthClient, typeof apollo.createAuthLink, typeof subgraph.createSubgraphAuth, typeof shield.subgraphRules]) + "\n");
