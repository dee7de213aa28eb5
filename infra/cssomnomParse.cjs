// linkedom imports its CSS parser when it loads, but a directory listing never parses CSS.
// The Lambda bundles take this file for "cssomnom/parse": esbuild runs a module that is
// require()d inside a function only when that function first runs, so a cold start skips it.
let parser
exports.parse = (...args) => (parser ??= require("../node_modules/cssomnom/dist/parse.js")).parse(...args)
