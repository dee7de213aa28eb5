/**
 * The polite upstream client (SourceHttp) from the settings, over the transport given
 * (ofetchHttpLayer; the CLI wraps it to show download progress). Kept apart from liveLayer
 * so a Lambda bundle that needs only this ships no store code it does not use; it imports
 * no transport, so the CLI loads ofetch (and with it Node's fetch) only for a command
 * that goes upstream.
 */
import * as Layer from "effect/Layer"
import type { HttpClient } from "../domain/http/HttpClient.ts"
import { sourceHttpLayer } from "../domain/http/SourceHttp.ts"
import { type Settings, sourcePolicyOf } from "../domain/settings.ts"

/** Fails with ContactRequired when no contact is set. */
export const sourceLayer = (settings: Settings, http: Layer.Layer<HttpClient>) =>
  sourceHttpLayer(sourcePolicyOf(settings)).pipe(Layer.provide(http))
