/**
 * The whole pipeline as one component, its parts in the order data flows: storage →
 * messaging → functions (with their schedule) → catalog and query → monitoring. Previews
 * show it as a tree, and a program may declare it more than once: every resource's name
 * starts with the pipeline's own name (resourceNames.ts makes one from the project and stack).
 */
import * as pulumi from "@pulumi/pulumi"
import { Catalog } from "./catalog.ts"
import { Functions } from "./functions.ts"
import { Messaging } from "./messaging.ts"
import { Monitoring } from "./monitoring.ts"
import { MAX_PREFIX_LENGTH, VALID_PREFIX } from "./resourceNames.ts"
import type { StackSettings } from "./settings.ts"
import { Storage } from "./storage.ts"

export class Pipeline extends pulumi.ComponentResource {
  readonly storage: Storage
  readonly messaging: Messaging
  readonly functions: Functions
  readonly catalog: Catalog
  readonly monitoring: Monitoring

  constructor(name: string, settings: StackSettings, opts?: pulumi.ComponentResourceOptions) {
    if (!VALID_PREFIX.test(name)) {
      throw new pulumi.RunError(
        `A pipeline's name starts every resource name, so it must be lower-case letters, digits and inner hyphens, ` +
          `at most ${MAX_PREFIX_LENGTH} characters; "${name}" is not. pipelineName(project, stack) makes a valid one.`
      )
    }
    super("bls-quest:index:Pipeline", name, {}, opts)
    const parent = { parent: this }
    this.storage = new Storage(name, settings, parent)
    const { bucket } = this.storage
    this.messaging = new Messaging(name, settings, bucket, parent)
    const { queue, deadLetterQueue } = this.messaging
    this.functions = new Functions(name, settings, { bucket, queue }, parent)
    const { failedIngests, ingest, analytics } = this.functions
    this.catalog = new Catalog(name, settings, bucket, parent)
    this.monitoring = new Monitoring(name, settings, { queue, deadLetterQueue, failedIngests, ingest, analytics }, parent)
    this.registerOutputs({})
  }
}
