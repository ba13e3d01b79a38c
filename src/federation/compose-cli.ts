import { writeFileSync } from "node:fs";
import { composeSupergraph } from "./compose";

/** `npm run compose -- supergraph.graphql patients=http://patients:4001/graphql …` */
const main = async () => {
  const [out, ...pairs] = process.argv.slice(2);
  if (!out || pairs.length === 0) throw new Error("usage: npm run compose -- <out file> name=url [name=url …]");
  const subgraphs = pairs.map((pair) => {
    const at = pair.indexOf("=");
    return { name: pair.slice(0, at), url: pair.slice(at + 1) };
  });
  writeFileSync(out, await composeSupergraph(subgraphs));
  process.stdout.write(`wrote ${out} (${subgraphs.length + 1} subgraphs, the gateway's own API included)\n`);
};
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
