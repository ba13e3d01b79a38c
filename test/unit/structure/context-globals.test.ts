import { runInNewContext } from "node:vm";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformer = require("../../setup/context-globals.js") as { process(source: string): { code: string } };

/** Runs `source` as jest does (a CommonJS wrapper in a vm context of its own), after the transformer. */
const load = (source: string, context: Record<string, unknown> = {}) => {
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = runInNewContext(`(function (exports, require, module, __filename, __dirname) {${transformer.process(source).code}\n})`, context) as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, () => undefined, module, "/x.js", "/");
  return module.exports;
};

/**
 * test/setup/context-globals.js wraps every CommonJS file of node_modules in the test run: the module's
 * behaviour must be exactly what it is outside the wrapper.
 */
describe("the node_modules wrapper that binds hot globals", () => {
  it("keeps the module's strict mode, its `this` (module.exports) and its wrapper arguments", () => {
    const strict = load(`"use strict"; exports.thisInFunction = (function () { return this; })(); exports.topThis = this === exports; exports.argc = arguments.length; exports.file = arguments[3];`);
    expect(strict).toEqual({ thisInFunction: undefined, topThis: true, argc: 5, file: "/x.js" });
    const sloppy = load(`exports.sloppy = (function () { return this !== undefined; })();`);
    expect(sloppy).toEqual({ sloppy: true });
  });

  it("lets a module declare a bound name itself (const, class, destructuring) and return early", () => {
    const own = load(`const { Buffer } = { Buffer: "own" }; class Map {} ; const Math = 7; module.exports = { buffer: Buffer, map: typeof Map, math: Math }; return; module.exports = null;`);
    expect(own).toEqual({ buffer: "own", map: "function", math: 7 });
  });

  it("binds the context's own globals, and leaves what tests replace (Date, timers) to a live lookup", () => {
    const context: Record<string, unknown> = { Date: "real", setTimeout: "real" };
    const seen = load(`exports.at = () => ({ date: Date, timeout: setTimeout, math: Math === globalThis.Math });`, context) as { at(): unknown };
    context["Date"] = "faked";
    context["setTimeout"] = "faked";
    expect(seen.at()).toEqual({ date: "faked", timeout: "faked", math: true });
  });

  it("keeps line numbers: the module's first line is the wrapper's first line", () => {
    const { code } = transformer.process("line1\nline2\nline3");
    expect(code.split("\n")).toHaveLength(4);
    expect(code.split("\n")[1]).toBe("line2");
  });
});
