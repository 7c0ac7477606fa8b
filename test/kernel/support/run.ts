/**
 * One scenario on the real kernel: its harness module booted on the
 * scenario's QEMU set-up (one boot per scenario, so the IOVA allocator and
 * its caches start fresh, as in the simulator), the serial output read,
 * the simulator asked the same question with the run's physical addresses,
 * and the two compared. Boots run two at a time.
 */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { harnessPlan } from '../../../src/codegen/index.js'
import { p2pDecision } from '../../../src/plan/topology.js'
import type { Verdict } from './compare.js'
import type { Failslab } from './failslab.js'
import { compare } from './compare.js'
import { buildInitramfs } from './initramfs.js'
import type { Observation } from './observe.js'
import { observe } from './observe.js'
import type { Prediction } from './predict.js'
import { predict } from './predict.js'
import { boot, forDevice, REFERENCE_PLATFORMS } from './qemu.js'
import type { ReferencePlatform, ReferencePlatformName } from './qemu.js'
import type { Scenario } from './scenario.js'
import { planFor } from './scenario.js'
import type { KernelLine } from '../../support/kernels.js'

export interface ScenarioRun {
  readonly scenario: Scenario
  readonly seconds: number
  readonly lines: readonly string[]
  readonly observation: Observation
  readonly prediction: Prediction
  readonly verdict: Verdict
}

/** How a module is loaded and booted, beyond its set-up. */
export interface RunOptions {
  /** The device's DMA mask (edu's own 28 bits when absent). */
  readonly dmaMask?: number
  readonly p2p?: { readonly provider: string; readonly peers: ReadonlyMap<string, string> }
  /** The driver's N-th fallible DMA API call fails: through the module parameter fail_at_call, or failslab where it reaches the call. */
  readonly failAtCall?: number
  /** That call fails through the kernel's failslab instead (failslab.ts): which call of which function. */
  readonly failslab?: Failslab
  /** The module parameter sweep=0: no sweeps of edu's engine (each transfer takes 100 ms), where only the driver's calls are compared. */
  readonly noSweeps?: boolean
  /** Kernel command line additions beyond the set-up's. */
  readonly append?: string
}

/** Boot one harness module on a QEMU set-up and read what it reported. */
export async function runModule(
  module: string,
  platform: ReferencePlatformName,
  kernel: KernelLine,
  o: RunOptions = {},
): Promise<{ readonly lines: readonly string[]; readonly seconds: number; readonly observation: Observation }> {
  // Each peer of the plan is one of the set-up's providers, named by its PCI address (the module's parameters).
  const params = [
    ...[...(o.p2p?.peers ?? [])].map(([d, pci]) => `${d}=${pci}`),
    ...(o.failAtCall === undefined || o.failslab ? [] : [`fail_at_call=${o.failAtCall}`]),
    ...(o.noSweeps ? ['sweep=0'] : []),
  ]
  const args = params.length === 0 ? undefined : params.join(' ')
  const initramfs = buildInitramfs({
    modules: [module],
    trace: true,
    dmaDebug: kernel.dmaDebug === true,
    ...(o.p2p ? { providers: [o.p2p.provider] } : {}),
    ...(args ? { args } : {}),
    ...(o.failslab ? { failslab: o.failslab } : {}),
  })
  const at = forDevice(REFERENCE_PLATFORMS[platform], o.dmaMask ?? 28)
  try {
    const b = await boot(kernel, o.append ? { ...at, append: `${at.append} ${o.append}` } : at, initramfs, 150_000)
    return { lines: b.lines, seconds: b.seconds, observation: observe(b.lines) }
  } finally {
    rmSync(dirname(initramfs), { recursive: true, force: true })
  }
}

/** One scenario's run and its comparison; with `failAtCall`, the driver's N-th fallible DMA API call fails, and the simulator's too. */
export async function runScenario(s: Scenario, module: string, kernel: KernelLine, provider?: string, o: Pick<RunOptions, 'failAtCall' | 'failslab' | 'noSweeps'> = {}): Promise<ScenarioRun> {
  const device = s.plan.devices.find((d) => d.name === s.plan.device)
  const peers = peerProviders(s)
  if (peers.size > 0 && provider === undefined) throw new Error(`${s.plan.name} maps P2P memory, and the provider module was not built`)
  const p2p = peers.size > 0 && provider !== undefined ? { provider, peers } : undefined
  const { lines, seconds, observation } = await runModule(module, s.platform, kernel, { ...o, ...(device ? { dmaMask: device.dmaMask } : {}), ...(p2p ? { p2p } : {}) })
  let prediction: Prediction
  try {
    prediction = predict(harnessPlan(planFor(s, kernel.release)), observation, peers, kernel.release, {
      changes: kernel.changes,
      dmaApiDebug: kernel.dmaDebug === true,
      ...(o.failAtCall === undefined ? {} : { failAtCall: o.failAtCall }),
    })
  } catch (e) {
    // The run's own words, for a prediction that could not be made of it.
    throw new Error(`${s.plan.name}: ${e instanceof Error ? e.message : String(e)}\n--- the run's serial output ---\n${lines.join('\n')}`)
  }
  const verdict = compare(s, observation, prediction)
  return { scenario: s, seconds, lines, observation, prediction, verdict }
}

/** The plan's devices that provide P2P memory. */
export function p2pPeers(s: Scenario): string[] {
  return s.plan.devices.filter((d) => d.p2pMemory !== undefined).map((d) => d.name)
}

/**
 * Which of the set-up's providers stands for each P2P peer of the plan: the
 * one through the host bridge for a peer the plan reaches that way, where
 * the set-up has one, else its provider (topology.ts decides the route).
 */
export function peerProviders(s: Scenario): Map<string, string> {
  const at = REFERENCE_PLATFORMS[s.platform] as ReferencePlatform
  const client = s.plan.devices.find((d) => d.name === s.plan.device)
  const out = new Map<string, string>()
  for (const peer of s.plan.devices.filter((d) => d.p2pMemory !== undefined)) {
    const route = client === undefined ? 'unsupported' : p2pDecision(s.plan.platform, peer, client).map
    const pci = route === 'host-bridge' && at.bridgeProvider !== undefined ? at.bridgeProvider : at.provider
    if (pci === undefined) throw new Error(`set-up ${s.platform} has no P2P provider for ${peer.name}`)
    out.set(peer.name, pci)
  }
  return out
}

export type Limit = <T>(job: () => Promise<T>) => Promise<T>

/** Run at most `width` jobs at a time. */
export function limiter(width: number): Limit {
  let running = 0
  const waiting: (() => void)[] = []
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= width) await new Promise<void>((go) => waiting.push(go))
    running++
    try {
      return await job()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}

/** A scenario's result in words: nothing when the kernel and the simulator agree and the run was sound. */
export function describeRun(r: ScenarioRun): string[] {
  const name = `${r.scenario.plan.name} (${r.scenario.platform})`
  return [
    ...r.verdict.disagreements.map((d) => `${name}: ${d.what}\n    kernel:    ${d.kernel}\n    simulator: ${d.simulator}`),
    ...r.verdict.problems.map((p) => `${name}: ${p}`),
  ]
}
