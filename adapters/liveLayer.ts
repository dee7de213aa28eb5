/**
 * The services a real run uses, from its settings: the store QUEST_STORE names (S3 or a
 * local folder) and the polite upstream client over ofetch. The CLI and Deno build on
 * this; the Lambda handlers compose the S3 store directly so no file-system code ships.
 */
import { Layer } from "effect"
import { sourceHttpLayer } from "../domain/http/SourceHttp.ts"
import { type Settings, sourcePolicyOf } from "../domain/settings.ts"
import { objectStoreLayerFor } from "./objectStoreFromUrl.ts"
import { ofetchHttpLayer } from "./ofetchHttp.ts"

export const sourceLayer = (settings: Settings) =>
  sourceHttpLayer(sourcePolicyOf(settings)).pipe(Layer.provide(ofetchHttpLayer))

export const liveLayer = (settings: Settings) =>
  Layer.mergeAll(objectStoreLayerFor(settings.store), sourceLayer(settings))
