'use strict'
// The TypeScript transpiler of tap's ts-node for the tests: .taprc sets TS_NODE_PROJECT to
// tsconfig.tap.json, whose "ts-node" section names this file. Each test file runs in its own
// process, and each process used to transpile again the ~200 modules it imports (about 4 s of CPU
// a file, ~100 files). TypeScript's own transpileModule runs here as in ts-node, and its output is
// kept on disk under a hash of all it depends on (TypeScript's version, the compiler options, the
// file's name and text), so a module is transpiled once per change. Output with diagnostics is
// never kept: errors are reported on every run. Types are not checked here, as before (`npm run
// typecheck` does that). The cache lives in the system's temporary directory (or
// ORDERGATE_TS_CACHE_DIR); deleting it only costs one slower run.
const { createHash } = require('node:crypto')
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

const FORMAT = 1 // raise when the cached form changes
const CACHE_DIR = process.env.ORDERGATE_TS_CACHE_DIR ?? join(tmpdir(), 'ordergate-tap-transpile')

exports.create = function create ({ service, nodeModuleEmitKind }) {
  const ts = require(service.projectLocalResolveHelper('typescript', true))
  const compilerOptions = { ...service.config.options }
  // ts-node transpiles an ES module of a NodeNext project as one (a `"type": "module"` package):
  // transpileModule cannot see package.json, so the module format is said instead. The output is
  // ts-node's own to the byte (code, source map, diagnostics), checked over every .ts file here.
  if (nodeModuleEmitKind === 'nodeesm') {
    compilerOptions.module = ts.ModuleKind.ESNext
    compilerOptions.moduleResolution = ts.ModuleResolutionKind.Bundler
    compilerOptions.moduleDetection = ts.ModuleDetectionKind.Force
  }
  const salt = JSON.stringify([FORMAT, ts.version, nodeModuleEmitKind ?? null, compilerOptions])
  let dirReady = false

  return {
    transpile (input, { fileName }) {
      const key = createHash('sha256').update(salt).update('\0').update(fileName).update('\0').update(input).digest('hex')
      const file = join(CACHE_DIR, `${key}.json`)
      try {
        return JSON.parse(readFileSync(file, 'utf8'))
      } catch {}
      const result = ts.transpileModule(input, { fileName, compilerOptions, reportDiagnostics: true })
      if (result.diagnostics !== undefined && result.diagnostics.length > 0) return result
      const output = { outputText: result.outputText, sourceMapText: result.sourceMapText }
      try {
        if (!dirReady) mkdirSync(CACHE_DIR, { recursive: true })
        dirReady = true
        // Written beside, then renamed: a parallel test process reads a whole entry or none.
        const partial = `${file}.${process.pid}.tmp`
        writeFileSync(partial, JSON.stringify(output))
        renameSync(partial, file)
      } catch {} // an unwritable cache only costs speed
      return output
    }
  }
}
