/** ObjectStore + SourceHttp + StreamingSha256 from the settings, as the ingest and the reports need them outside tests. */
import * as Layer from "effect/Layer"
import type { Settings } from "../domain/settings.ts"
import { nativeSha256Layer } from "./nativeHasher.ts"
import { objectStoreLayerFor } from "./objectStoreFromUrl.ts"
import { ofetchHttpLayer } from "./ofetchHttp.ts"
import { sourceLayer } from "./sourceLayer.ts"

export const liveLayer = (settings: Settings) =>
  Layer.mergeAll(objectStoreLayerFor(settings.store, settings.concurrency), sourceLayer(settings, ofetchHttpLayer), nativeSha256Layer)
