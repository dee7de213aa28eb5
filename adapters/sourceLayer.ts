/**
 * The polite upstream client (SourceHttp) from the settings, over the transport given
 * (ofetchHttpLayer; the CLI wraps it to show download progress). Apart from liveLayer so
 * an entry that needs only this bundles no store code. Fails with ContactRequired when no
 * contact is set.
 */
import * as Layer from "effect/Layer"
import type { HttpClient } from "../domain/http/HttpClient.ts"
import { sourceHttpLayer } from "../domain/http/SourceHttp.ts"
import { type Settings, sourcePolicyOf } from "../domain/settings.ts"

export const sourceLayer = (settings: Settings, http: Layer.Layer<HttpClient>) => sourceHttpLayer(sourcePolicyOf(settings)).pipe(Layer.provide(http))
