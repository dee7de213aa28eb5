// Stands in for "cssomnom/parse" in the Lambda bundles (see infra/handlerBundle.ts): the
// real parser is built into a file beside the bundle and loaded on first call only.
// The path is a variable so that esbuild leaves this require to run time.
const file = "./cssomnom-parse.cjs"
let parser
exports.parse = (...args) => (parser ??= require(file)).parse(...args)
