/**
 * The services the pipeline runs on outside tests, built from the settings: the object
 * store the location names (local folder or S3), the polite upstream client over ofetch
 * and the runtime's native sha256. The HTTP transport can be swapped (the CLI wraps it to
 * show download progress).
 */
import * as Layer from "effect/Layer"
import { HttpClient } from "../domain/http/HttpClient.ts"
import type { Settings } from "../domain/settings.ts"
import { nativeSha256Layer } from "./nativeHasher.ts"
import { objectStoreLayerFor } from "./objectStoreFromUrl.ts"
import { ofetchHttpLayer } from "./ofetchHttp.ts"
import { sourceLayer } from "./sourceLayer.ts"

/** ObjectStore + SourceHttp + StreamingSha256, as the ingest and the reports need them. */
export const liveLayer = (settings: Settings, http: Layer.Layer<HttpClient> = ofetchHttpLayer) =>
  Layer.mergeAll(objectStoreLayerFor(settings.store, settings.concurrency), sourceLayer(settings, http), nativeSha256Layer)
