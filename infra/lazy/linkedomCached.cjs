// Stands in for "linkedom/cached" in the Lambda bundles (see infra/handlerBundle.ts): the
// DOM that report.html's charts are drawn into (~230 KB with its HTML parser) is built
// into a file beside the bundle and loaded on the first chart only. (The ingest's
// directory listing imports "linkedom" itself, which stays in its bundle as before.)
// The path is a variable so that esbuild leaves this require to run time.
const file = "./linkedom-cached.cjs"
let linkedom
exports.parseHTML = (...args) => (linkedom ??= require(file)).parseHTML(...args)
