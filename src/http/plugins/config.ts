import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import type { OverrideSource } from '../../serverinfo/source.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated configuration (src/config.ts). */
    readonly config: Config
    /** The getserverinfo override, when a source is configured: an in-memory read, never I/O. */
    readonly override: OverrideSource | undefined
  }
}

export interface ConfigPluginOptions {
  readonly config: Config
  readonly override: OverrideSource | undefined
}

/** What the service was started with: its configuration and its getserverinfo override. */
export default fp<ConfigPluginOptions>((app, { config, override }, done) => {
  app.decorate('config', config)
  app.decorate('override', override)
  done()
}, { name: 'config' })
