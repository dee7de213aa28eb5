/**
 * What a function builds once per container, not once per invocation: its settings (read
 * from the environment), the services they call for (the S3 client among them) and the
 * logger. Lambda reuses a container for many invocations; each one runs its effect on the
 * runtime made here.
 *
 * A settings error is as permanent as the environment it came from: the runtime keeps the
 * failed build, and every invocation reports it, until the stack sets a good value.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { loadSettings, type Settings } from "../domain/settings.ts"
import { lambdaLogging } from "./lambdaLogging.ts"

/** The settings the runtime was built with. */
export class FunctionSettings extends Context.Service<FunctionSettings, Settings>()("quest/FunctionSettings") {}

export const lambdaRuntime = <R, E>(services: (settings: Settings) => Layer.Layer<R, E>) =>
  ManagedRuntime.make(
    Layer.unwrap(Effect.map(loadSettings, (settings) => Layer.merge(Layer.succeed(FunctionSettings, settings), services(settings))))
      .pipe(Layer.provideMerge(lambdaLogging))
  )
