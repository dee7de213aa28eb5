// Stands in for "@observablehq/plot" in the Lambda bundles (see infra/handlerBundle.ts):
// Plot and d3 (~300 KB) are built into a file beside the bundle and loaded on the first
// chart only — the analytics function draws report.html's charts once per report run,
// after its cold start. The path is a variable so that esbuild leaves this require to run time.
const file = "./observable-plot.cjs"
let plot
const lazy = (name) => (...args) => (plot ??= require(file))[name](...args)
// The marks domain/reports/reportCharts.ts draws with (its browser test checks every one).
for (const name of ["plot", "dot", "lineY", "rectY", "ruleX", "ruleY", "text"]) exports[name] = lazy(name)
