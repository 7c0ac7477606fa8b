/**
 * Real-kernel conformance: every scenario of test/kernel/scenarios becomes a
 * harness module (dmaplan gen --target harness) for each kernel line it runs
 * on (Debian 12's 6.12, and the 7.x reference kernel that
 * scripts/reference-kernel finds and caches), all of a line built in one
 * kbuild tree; each is booted on its QEMU set-up with the edu device, and
 * what the kernel did is compared with what the simulator predicts, for the
 * release that ran, from the run's physical addresses. Any disagreement
 * fails, showing both sides; each line's last test prints
 * `conformance <version>: A/B scenarios agree`.
 *
 * The same scenarios then run on each line's debug kernel (the release
 * built with CONFIG_DMA_API_DEBUG: scripts/debug-kernel), where a valid
 * plan must leave the kernel's own checker silent (support/clean.ts); each
 * debug line's last test prints `dma-debug <version>: C/D valid scenarios
 * clean`; and every example fails each of its fallible DMA API calls in
 * turn, `fault injection <version>: E/F unwindings agree` (suites/faults.ts).
 * Boots of all lines share one limit of two QEMUs. The suites are
 * in suites/, their pieces in support/.
 *
 * Real in-tree drivers (drivers/: NVMe, e1000e) run behind VT-d with their
 * `dma` trace imported and simulated (suites/drivers.ts): `drivers
 * <version>: ...`.
 *
 * DMAPLAN_SCENARIOS=name,name runs only those scenarios, DMAPLAN_DRIVERS only those drivers, DMAPLAN_EXAMPLES
 * only those examples' fault injection (none when only scenarios are named); DMAPLAN_LINES=6.12 or 7.3
 * only that line. The serial output of every boot is kept in a temporary
 * directory, named when something fails. Without the tools this is a
 * failure in CI and a visible skip elsewhere.
 */
import { debugLines, kernelLines } from '../support/kernels.js'
import { missingCommands, needTools } from '../support/tools.js'
import { limiter } from './support/run.js'
import { loadScenarios } from './support/scenarios.js'
import { defineConformance } from './suites/conformance.js'
import { defineDmaDebug } from './suites/dma-debug.js'
import { defineFaults } from './suites/faults.js'
import { defineBugs } from './suites/bugs.js'
import { loadBugs } from './support/bugs.js'
import { exampleFiles, loadExample } from '../support/examples.js'
import { defineDrivers } from './suites/drivers.js'
import { loadDrivers } from './support/drivers.js'

const only = process.env.DMAPLAN_SCENARIOS?.split(',').filter((s) => s !== '')
// Filters: DMAPLAN_SCENARIOS, DMAPLAN_EXAMPLES, DMAPLAN_BUGS; naming one kind runs none of the others.
const onlyExamples = process.env.DMAPLAN_EXAMPLES?.split(',').filter((s) => s !== '')
const onlyBugs = process.env.DMAPLAN_BUGS?.split(',').filter((s) => s !== '')
const onlyDrivers = process.env.DMAPLAN_DRIVERS?.split(',').filter((s) => s !== '')
const unfiltered = only === undefined && onlyExamples === undefined && onlyBugs === undefined && onlyDrivers === undefined
const all = (await loadScenarios()).filter((s) => unfiltered || only?.includes(s.plan.name) === true)
const examples = (await Promise.all((await exampleFiles()).map(loadExample))).filter((p) => unfiltered || onlyExamples?.includes(p.name) === true)
const bugs = (await loadBugs()).filter((b) => unfiltered || onlyBugs?.includes(b.name) === true)
const drivers = (await loadDrivers()).filter((d) => unfiltered || onlyDrivers?.includes(d.name) === true)
const commands = missingCommands(['qemu-system-x86_64', 'busybox', 'cpio', 'gzip', 'xz', 'iasl'])
// Two QEMUs at a time, one per core, whatever line they belong to.
const limit = limiter(2)

for (const { label, found } of await kernelLines()) {
  const missing = [...('missing' in found ? found.missing : []), ...commands]
  if (needTools('test/kernel/conformance.test.ts', `real-kernel conformance (${label} line)`, missing) && 'line' in found) {
    if (all.length > 0 || unfiltered) defineConformance(found.line, all, limit)
    if (drivers.length > 0) defineDrivers(found.line, drivers, limit)
  }
}

for (const { label, found } of await debugLines()) {
  const missing = [...('missing' in found ? found.missing : []), ...commands]
  if (needTools('test/kernel/conformance.test.ts', `dma-debug and fault injection (${label})`, missing) && 'line' in found) {
    defineDmaDebug(found.line, all, limit)
    if (examples.length > 0) defineFaults(found.line, examples, limit)
    if (bugs.length > 0) defineBugs(found.line, bugs, limit)
  }
}
