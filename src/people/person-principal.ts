import type { Principal } from '../api/principal.ts'
import type { PersonRow } from './people-repository.ts'
import { ROLE_SCOPES } from './roles.ts'

/** A person as the auth plugin sees them: their role's scopes, under a key id no API key can have. */
export function personPrincipal(person: PersonRow): Principal {
  return {
    keyId: `person:${person.id}`,
    name: person.email,
    kind: 'person',
    scopes: ROLE_SCOPES[person.role],
    origins: [],
    person: { id: person.id, email: person.email, name: person.name, role: person.role },
  }
}
