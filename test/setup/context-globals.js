// Jest transformer for the CommonJS code of node_modules. Jest runs every module inside a vm context, where
// each read of a global (Math, Object, Buffer, ...) goes through the context's property interceptor: about
// fifty times slower than in plain Node. Library hot loops paid it on every iteration; pngjs's PNG filters
// (the enrolment QR code) took half a second of CPU per enrolment in a test worker, 40 ms outside jest.
//
// The module's code runs unchanged inside a function whose enclosing scope binds those globals to the very
// same objects, so they are found as ordinary closure variables. The inner function gets the module
// wrapper's `this` and `arguments`, its own directive prologue ("use strict" stays in force), and may
// declare any of those names itself (shadowing is legal there). Everything is added on the first and last
// lines, so line numbers in stack traces are unchanged. Nothing that jest fakes or tests replace (Date,
// timers, performance, fetch, process) is bound: those keep the live lookup.
const { createHash } = require("node:crypto");

const bound = [
  "Math", "Object", "Array", "String", "Number", "Boolean", "Symbol", "JSON", "Reflect", "Map", "Set", "WeakMap",
  "Buffer", "ArrayBuffer", "DataView", "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array",
  "Int32Array", "Float32Array", "Float64Array", "BigInt",
];
const names = bound.join(", ");
// Read as properties, so a global this context lacks is undefined (as a lookup of it would be) instead of a ReferenceError.
const values = bound.map((name) => `globalThis.${name}`).join(", ");
const version = "2";

module.exports = {
  getCacheKey(source, filename) {
    return createHash("sha256").update(version).update("\0").update(filename).update("\0").update(source).digest("hex");
  },
  process(source) {
    // A shebang must stay the first line; such files are entry points, not hot library code.
    if (source.startsWith("#!")) return { code: source };
    return {
      code: `(function (__moduleArguments, ${names}) { return (function () {${source}\n}).apply(this, __moduleArguments); }).call(this, arguments, ${values});`,
    };
  },
};
