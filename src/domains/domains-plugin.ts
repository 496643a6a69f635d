import fp from 'fastify-plugin'
import type { DomainRegistry } from './domain-registry.ts'
import { ensureDomains, listDomains } from './domain-repository.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Reads the served domains from Postgres into the registry (after a change here or on another instance). */
    reloadDomains: () => Promise<void>
  }
}

/** Adds the DOMAINS setting's hosts, then loads every served domain into the registry before requests come. */
export const domainsPlugin = fp<{ registry: DomainRegistry; configured: readonly string[] }>(
  async (app, { registry, configured }) => {
    const reload = async () => registry.replace(await listDomains(app.pg))
    await ensureDomains(
      app.pg,
      configured.filter((h) => h !== registry.defaultHost),
    )
    await reload()
    app.decorate('reloadDomains', reload)
  },
  { name: 'domains', dependencies: ['database'] },
)
