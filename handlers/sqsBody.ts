import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"

/** An SQS body read through its Schema: the value, or in one line why it is not one (logged, and retried by SQS). */
export const bodyDecoder = <A>(schema: Schema.Decoder<A>) => {
  const decode = Schema.decodeUnknownExit(schema)
  return (body: string): { readonly value: A } | { readonly problem: string } => {
    const exit = decode(body)
    return Exit.isSuccess(exit) ? { value: exit.value } : { problem: (Cause.squash(exit.cause) as Error).message.replace(/\s+/g, " ") }
  }
}
