// npm audit of the production dependencies: fails on any high or critical advisory. Where the
// registry's audit endpoint cannot be reached (as on machines that reach only the package
// registry), it says so plainly and does not pretend to have checked.
import { execFile } from 'node:child_process'

execFile('npm', ['audit', '--omit=dev', '--json'], { maxBuffer: 16 * 1024 * 1024 }, (_err, stdout) => {
  let report
  try {
    report = JSON.parse(stdout)
  } catch {
    console.log('npm audit: no answer from the audit endpoint; production dependencies NOT audited on this machine')
    return
  }
  if (report.error !== undefined || report.metadata === undefined) {
    console.log(`npm audit: the audit endpoint is unreachable (${report.error?.summary ?? 'no metadata'}); production dependencies NOT audited on this machine`)
    return
  }
  const counts = report.metadata.vulnerabilities
  console.log(`npm audit (production): ${JSON.stringify(counts)}`)
  if ((counts.high ?? 0) + (counts.critical ?? 0) > 0) process.exit(1)
})
