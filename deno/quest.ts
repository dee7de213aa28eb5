/** The quest command on Deno (`deno task quest <command>`): the same CLI as on Node. */
/// <reference types="deno" />
import { runQuest } from "../cli/main.ts"

Deno.exit(await runQuest(Deno.args))
