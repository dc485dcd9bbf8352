import { z } from 'zod'

/** RefNo as clients send it: a numeric string (or number) that fits a bigint. */
export function parseRefNo (refNo: string): bigint | undefined {
  if (!/^[0-9]{1,18}$/.test(refNo)) return undefined
  return BigInt(refNo)
}

/** RefNo as a param: a numeric string, or a number (PHP clients send either). */
export const RefNoSchema = z.union([z.string().min(1).max(32), z.number().int().nonnegative().transform(String)])
