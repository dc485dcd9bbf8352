// Copies the operator console's static files (HTML, CSS, images) from src/console/public into
// dist/src/console/public, beside the scripts tsc compiles there from src/console/web, so
// `npm start` and the packed package serve the page. Run by `npm run build`.
import { cpSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const from = join(root, 'src', 'console', 'public')
const to = join(root, 'dist', 'src', 'console', 'public')
mkdirSync(to, { recursive: true })
cpSync(from, to, { recursive: true, filter: (path) => !path.endsWith('.ts') })
