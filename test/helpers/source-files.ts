import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Every file under `dir` (recursively) whose name matches `name`, for the tests that read the source tree. */
export function sourceFiles (dir: string, name: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path, name)
    return name.test(entry.name) ? [path] : []
  })
}
