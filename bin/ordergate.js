#!/usr/bin/env node
// The `ordergate` command: runs the compiled CLI (npm install / npm ci build dist/ via `prepare`).
import { runCli } from '../dist/src/cli.js'

const code = await runCli(process.argv.slice(2))
if (code >= 0) process.exitCode = code
