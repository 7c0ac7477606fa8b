/**
 * The comparison of a kept conformance run, again, without booting: with
 * DMAPLAN_REPLAY=<the directory a run kept> and DMAPLAN_RELEASE=<the release
 * that ran> (7.3, 6.12), every scenario's serial log there is read and
 * compared with the current simulator. For working on the model between
 * real runs; without DMAPLAN_REPLAY it shows one skipped test that says so.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { harnessPlan } from '../../src/codegen/index.js'
import { kernelRelease } from '../../src/plan/kernel.js'
import { compare } from './support/compare.js'
import { observe } from './support/observe.js'
import { predict } from './support/predict.js'
import { describeRun, peerProviders } from './support/run.js'
import { planFor, runsOn } from './support/scenario.js'
import { loadScenarios } from './support/scenarios.js'

const dir = process.env.DMAPLAN_REPLAY
const release = kernelRelease(process.env.DMAPLAN_RELEASE ?? '')

if (dir !== undefined && release !== undefined) {
  const scenarios = (await loadScenarios()).filter((s) => runsOn(s, release) && existsSync(join(dir, `${s.plan.name}.log`)))
  describe(`replay of ${dir} (${release})`, () => {
    for (const s of scenarios)
      it(s.plan.name, () => {
        const lines = readFileSync(join(dir, `${s.plan.name}.log`), 'utf8').split('\n')
        const observation = observe(lines)
        const prediction = predict(harnessPlan(planFor(s, release)), observation, peerProviders(s), release)
        const verdict = compare(s, observation, prediction)
        expect(describeRun({ scenario: s, seconds: 0, lines, observation, prediction, verdict }).join('\n')).toBe('')
      })
  })
} else {
  // vitest fails a file that registers no test; a visible skip says what would run it.
  it.skip('replay of a kept conformance run (set DMAPLAN_REPLAY=<dir> and DMAPLAN_RELEASE=<release>)', () => {})
}
