/**
 * One real driver on one QEMU set-up: its modules (and theirs, from the
 * release's modules.dep) in an initramfs that records the `dma` trace
 * events and the IOVA API's kprobes (src/import/iova-probes.ts) from the
 * driver's load to its removal, the workload in between, the trace
 * imported by `dmaplan import`'s importer for the device the driver bound,
 * and the plan simulated on the set-up's platform for the release that
 * ran: every DMA address the simulator predicts that is not the kernel's is
 * a TRACE-ADDR finding.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { iovaProbeSetup } from '../../../src/import/iova-probes.js'
import type { PlatformName } from '../../../src/import/platforms.js'
import type { ImportSummary } from '../../../src/import/to-plan.js'
import { TraceImporter } from '../../../src/import/to-plan.js'
import type { Plan } from '../../../src/plan/ir.js'
import type { Finding } from '../../../src/sim/findings.js'
import { simulate } from '../../../src/sim/index.js'
import type { KernelLine } from '../../support/kernels.js'
import type { DriverWorkload } from './driver.js'
import { INIT_MOUNTS, INIT_POWEROFF, initramfsRoot, packInitramfs } from './initramfs.js'
import { boot, REFERENCE_PLATFORMS } from './qemu.js'

const TRACING = '/sys/kernel/tracing'
const APPLETS = ['sh', 'mount', 'insmod', 'rmmod', 'sleep', 'cat', 'echo', 'grep', 'sed', 'dd', 'ip', 'ping', 'stty', 'poweroff', 'ls']

/** The set-ups a driver runs on, by the importer's platform names. */
export const DRIVER_SETUPS = ['vtd-strict', 'vtd-lazy'] as const satisfies readonly PlatformName[]
export type DriverSetup = (typeof DRIVER_SETUPS)[number]

export interface DriverRun {
  readonly driver: string
  readonly setup: DriverSetup
  readonly seconds: number
  readonly lines: readonly string[]
  /** The PCI device the driver bound. */
  readonly device?: string
  readonly plan?: Plan
  readonly summary?: ImportSummary
  /** Map steps whose DMA addresses the trace gave, and those the simulator predicted otherwise. */
  readonly compared: number
  readonly disagreements: readonly Finding[]
  /** Maps where the trace left the order against an interrupt in doubt and the kernel's IOVA was taken (TRACE-ORDER). */
  readonly orderInDoubt: number
  /** The first boot hung (timed out) and this is the second. */
  readonly rebooted: boolean
  /** Probe hits the kernel could not record (kprobe_profile): the trace is incomplete when any. */
  readonly missedProbes: number
  /** What went wrong on the kernel's side: a DMAR fault, an oops, a workload step that failed. */
  readonly problems: readonly string[]
}

/** The module files of `names` and of everything they need, in load order (modules.dep lists a module's dependencies, the deepest last). */
export function moduleFiles(modules: string, names: readonly string[]): string[] {
  const dep = new Map<string, string[]>()
  for (const l of readFileSync(join(modules, 'modules.dep'), 'utf8').split('\n')) {
    const i = l.indexOf(':')
    if (i > 0) dep.set(l.slice(0, i), l.slice(i + 1).trim().split(/\s+/).filter(Boolean))
  }
  const byName = (n: string) => [...dep.keys()].find((k) => basename(k).replace(/\.ko(\.xz|\.zst|\.gz)?$/, '') === n)
  const out: string[] = []
  for (const n of names) {
    const path = byName(n)
    if (path === undefined) throw new Error(`${modules} has no module ${n}`)
    for (const m of [...(dep.get(path) ?? [])].reverse().concat(path)) if (!out.includes(m)) out.push(m)
  }
  return out.map((m) => join(modules, m))
}

/** A module as insmod takes it: decompressed. */
function copyModule(file: string, dir: string): string {
  const name = basename(file).replace(/\.(xz|zst|gz)$/, '')
  const tool = file.endsWith('.xz') ? ['xz', '-dc'] : file.endsWith('.zst') ? ['zstd', '-dc'] : file.endsWith('.gz') ? ['gzip', '-dc'] : ['cat']
  const r = spawnSync(tool[0] as string, [...tool.slice(1), file], { maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`${tool.join(' ')} ${file} failed: ${String(r.stderr)}`)
  writeFileSync(join(dir, name), r.stdout)
  return name
}

function initScript(d: DriverWorkload, modules: readonly string[]): string[] {
  return [
    ...INIT_MOUNTS,
    `mount -t tracefs nodev ${TRACING}`,
    // A few thousand packets or requests, each a map and an unmap: a trace buffer of 16 MiB holds them all.
    `echo 16384 > ${TRACING}/buffer_size_kb`,
    `echo 1 > ${TRACING}/events/dma/enable`,
    ...iovaProbeSetup(TRACING),
    `echo > ${TRACING}/trace`,
    ...modules.map((m) => `insmod /modules/${m}`),
    'sleep 1',
    `for d in /sys/bus/pci/drivers/${d.name}/0000:*; do echo "dmaplan-driver: device \${d##*/}"; done`,
    ...d.workload,
    // Unloading unbinds the driver, which unmaps and frees what it still holds.
    ...[...modules].reverse().map((m) => `rmmod ${m.replace(/\.ko$/, '')}`),
    `echo 0 > ${TRACING}/tracing_on`,
    // Hits a probe could not record (kprobe_profile's third column): such a trace is incomplete.
    `[ -f ${TRACING}/kprobe_profile ] && sed "s/^/dmaplan-kprobe: /" ${TRACING}/kprobe_profile`,
    `grep -v "^#" ${TRACING}/trace | sed "s/^/dmaplan-trace: /"`,
    'dmesg | grep -E "DMAR|DMA-API|BUG|WARNING|Oops" | sed "s/^/dmaplan-log: /"',
    'echo "dmaplan-driver: all done"',
    ...INIT_POWEROFF,
  ]
}

/** Problems of a run's serial output that no import can make right. */
function problemsOf(lines: readonly string[], timedOut: boolean): string[] {
  return [
    ...(timedOut ? ['the boot timed out'] : []),
    ...(lines.some((l) => l.includes('dmaplan-driver: all done')) ? [] : ['the workload did not finish']),
    ...lines.filter((l) => /dmaplan-driver: .* failed|DMAR: \[DMA (Read|Write)|DRHD: handling fault|BUG:|Oops|WARNING:/.test(l)),
  ]
}

export async function runDriver(d: DriverWorkload, setup: DriverSetup, kernel: KernelLine): Promise<DriverRun> {
  if (kernel.modules === undefined) throw new Error(`${kernel.version} has no in-tree modules on this machine`)
  const { dir, root } = initramfsRoot(APPLETS)
  try {
    const modules = moduleFiles(kernel.modules, d.modules).map((m) => copyModule(m, join(root, 'modules')))
    const initramfs = packInitramfs(dir, root, initScript(d, modules))
    const at = REFERENCE_PLATFORMS[setup]
    // A run takes seconds; one that hangs (an emulated device's I/O stalled under load) is booted once more, and says so.
    const once = () => boot(kernel, { ...at, edu: false, devices: [...at.devices, ...d.qemu(dir)] }, initramfs, 120_000)
    let b = await once()
    const hung = b.timedOut
    if (hung) b = await once()
    const device = b.lines.map((l) => /dmaplan-driver: device (\S+)/.exec(l)?.[1]).find((x) => x !== undefined)
    const problems = problemsOf(b.lines, b.timedOut)
    const missedProbes = b.lines.reduce((n, l) => n + Number(/^dmaplan-kprobe: +\S+ +\d+ +(\d+)/.exec(l)?.[1] ?? 0), 0)
    const base = { driver: d.name, setup, seconds: b.seconds, lines: b.lines, missedProbes, rebooted: hung, ...(device ? { device } : {}) }
    if (device === undefined) return { ...base, compared: 0, disagreements: [], orderInDoubt: 0, problems: [...problems, `${d.name} bound no device`] }
    const im = new TraceImporter({ platform: setup, kernel: kernel.release, device, file: `${d.name}-${setup}.trace`, name: d.name })
    for (const l of b.lines) if (l.startsWith('dmaplan-trace: ')) im.push(l.slice('dmaplan-trace: '.length))
    const { plan, summary } = im.finish()
    const result = simulate(plan, { changes: kernel.changes })
    const compared = plan.steps.filter((s) => s.op === 'map' && s.observed !== undefined).length
    const disagreements = result.findings.filter((f) => f.id === 'TRACE-ADDR')
    const orderInDoubt = result.findings.filter((f) => f.id === 'TRACE-ORDER').length
    return { ...base, plan, summary, compared, disagreements, orderInDoubt, problems }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
