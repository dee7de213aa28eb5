/**
 * An SQS message body read through the Schema of its shape: the value, or in one line why
 * the body is not one (the reason the handler logs, and SQS retries the message for).
 */
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"

export const bodyDecoder = <A>(schema: Schema.Decoder<A>) => {
  const decode = Schema.decodeUnknownExit(schema)
  return (body: string): { readonly value: A } | { readonly problem: string } => {
    const exit = decode(body)
    if (Exit.isSuccess(exit)) return { value: exit.value }
    return { problem: (Cause.squash(exit.cause) as Error).message.replace(/\s+/g, " ") }
  }
}
