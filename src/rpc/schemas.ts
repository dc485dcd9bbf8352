import type { z } from 'zod'

/** Schemas published in schemas/ besides each method's params and result. */
export const EXTRA_SCHEMAS: Record<string, z.ZodType> = {}
