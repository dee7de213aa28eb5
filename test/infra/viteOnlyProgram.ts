// A program Node cannot load: the import names no extension. vite would resolve it (and
// tsc, here told to let it pass, would flag it); Pulumi's language host does not.
// @ts-expect-error TS2835, on purpose
export { pipelineName } from "../../infra/resourceNames"
