// Jest transformer for the ESM-only OAuth client (openid-client, oauth4webapi, jose 6): jest's CommonJS
// module registry cannot load ES modules, so they are rewritten to CommonJS with esbuild. In production
// Node (>= 20.19) loads them with require() as they are.
const { transformSync } = require("esbuild");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: "js", format: "cjs", target: "node20", sourcemap: "external", sourcefile: filename });
    return { code, map };
  },
};
