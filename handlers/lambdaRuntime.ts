/**
 * What a function builds once per container, not once per invocation: its settings (from
 * the environment), the services they call for and the logger. A settings error is as
 * permanent as the environment: the runtime keeps the failed build, and every invocation
 * reports it until the stack sets a good value.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { loadSettings, type Settings } from "../domain/settings.ts"
import { lambdaLogging } from "./lambdaLogging.ts"

export class FunctionSettings extends Context.Service<FunctionSettings, Settings>()("quest/FunctionSettings") {}

export const lambdaRuntime = <R, E>(services: (settings: Settings) => Layer.Layer<R, E>) =>
  ManagedRuntime.make(
    Layer.unwrap(Effect.map(loadSettings, (settings) => Layer.merge(Layer.succeed(FunctionSettings, settings), services(settings))))
      .pipe(Layer.provideMerge(lambdaLogging))
  )
