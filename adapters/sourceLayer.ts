/**
 * The polite upstream client (SourceHttp) from the settings, over ofetch unless another
 * transport is given (the CLI wraps it to show download progress). Kept apart from
 * liveLayer so a Lambda bundle that needs only this ships no store code it does not use.
 */
import { Layer } from "effect"
import type { HttpClient } from "../domain/http/HttpClient.ts"
import { sourceHttpLayer } from "../domain/http/SourceHttp.ts"
import { type Settings, sourcePolicyOf } from "../domain/settings.ts"
import { ofetchHttpLayer } from "./ofetchHttp.ts"

/** Fails with ContactRequired when no contact is set. */
export const sourceLayer = (settings: Settings, http: Layer.Layer<HttpClient> = ofetchHttpLayer) =>
  sourceHttpLayer(sourcePolicyOf(settings)).pipe(Layer.provide(http))
