import { z } from 'zod'
import { buildOpenRpcDocument } from '../openrpc.js'
import { PUBLIC } from '../access.js'
import { defineMethod, type MethodDefinition } from '../registry.js'

/** rpc.discover (OpenRPC service discovery) → the OpenRPC document of every method. */
export function createDiscoverMethod (methods: () => readonly MethodDefinition[]): MethodDefinition {
  let document: Record<string, unknown> | undefined
  return defineMethod({
    name: 'rpc.discover',
    summary: 'The OpenRPC document of this service',
    params: z.object({}),
    result: z.record(z.string(), z.unknown()).describe('OpenRPC document'),
    session: false,
    access: PUBLIC,
    errors: [],
    handler: async () => {
      document ??= buildOpenRpcDocument(methods())
      return document
    }
  })
}
