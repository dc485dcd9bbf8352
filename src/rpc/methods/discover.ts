import { z } from 'zod'
import { buildOpenRpcDocument, OpenRpcDocumentSchema, type OpenRpcDocument } from '../openrpc.js'
import { PUBLIC } from '../access.js'
import { defineMethod, type MethodDefinition } from '../registry.js'

/** rpc.discover (OpenRPC service discovery) → the OpenRPC document of every method. */
export function createDiscoverMethod (methods: () => readonly MethodDefinition[]): MethodDefinition {
  let document: OpenRpcDocument | undefined
  return defineMethod({
    name: 'rpc.discover',
    summary: 'The OpenRPC document of this service',
    params: z.object({}),
    result: OpenRpcDocumentSchema,
    session: false,
    access: PUBLIC,
    errors: [],
    handler: async () => {
      document ??= buildOpenRpcDocument(methods())
      return document
    }
  })
}
