/**
 * Booting a kernel line's image under QEMU (software emulation) with the
 * platform of a reference set-up and QEMU's edu DMA device, collecting the
 * serial console. Single CPU, so per-CPU IOVA caches are deterministic.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ReferencePlatform {
  readonly name: string
  /** Kernel command line additions. */
  readonly append: string
  readonly devices: readonly string[]
  readonly memory: string
  /** edu's DMA mask, when wider than its own 28 bits (forDevice()). */
  readonly eduMask?: bigint
  /** Where edu sits (`bus=...,addr=...`); on the root bus when absent. */
  readonly eduAt?: string
  /** No edu: a boot for a real driver, whose device is among `devices`. */
  readonly edu?: false
  /** QEMU's CPU model, when not its default. */
  readonly cpu?: string
  /** The PCI address of ivshmem, the P2P provider (p2p-provider.c), when the set-up has one. */
  readonly provider?: string
  /** A second ivshmem on a root port of its own: the provider of the peers the device reaches through the host bridge. */
  readonly bridgeProvider?: string
  /** ACPI tables to add, by the name of their source in test/kernel/acpi (compiled with iasl). */
  readonly acpi?: readonly string[]
}

const ACPI_SOURCES = join(dirname(fileURLToPath(import.meta.url)), '..', 'acpi')

/** An ACPI table of test/kernel/acpi, compiled once per process. */
function acpiTable(name: string): string {
  const dir = join(tmpdir(), `dmaplan-acpi-${process.pid}`)
  const aml = join(dir, `${name}.aml`)
  if (existsSync(aml)) return aml
  mkdirSync(dir, { recursive: true })
  const r = spawnSync('iasl', ['-p', join(dir, name), join(ACPI_SOURCES, `${name}.asl`)], { encoding: 'utf8' })
  if (r.status !== 0 || !existsSync(aml)) throw new Error(`iasl failed on ${name}.asl: ${r.stdout}${r.stderr}`)
  return aml
}

/**
 * QEMU's PCIe pieces for the P2P set-ups: a root port, a switch (one
 * x3130 upstream port, downstream ports that have no ACS capability), and
 * ivshmem-plain, whose BAR 2 is 2 MiB of RAM that p2p-provider.c registers
 * as P2P memory. Bus numbers follow from the order: the root port's bus is
 * 01, the switch's internal bus 02, its downstream ports' buses 03 and 04.
 */
const rootPort = (id: string, slot: number) => ['-device', `pcie-root-port,id=${id},bus=pcie.0,chassis=${slot},slot=${slot},addr=0x${(3 + slot).toString(16)}`]
const ivshmem = (at: string, id = 'shm') => ['-object', `memory-backend-ram,id=${id},size=2M`, '-device', `ivshmem-plain,memdev=${id},${at}`]
const SWITCH = [
  ...rootPort('rp1', 1),
  '-device', 'x3130-upstream,id=up,bus=rp1',
  '-device', 'xio3130-downstream,id=dn0,bus=up,chassis=10,slot=0',
  '-device', 'xio3130-downstream,id=dn1,bus=up,chassis=11,slot=1',
  ...ivshmem('bus=dn1'),
]
const VTD = ['-device', 'intel-iommu']
/** edu below the switch's first downstream port, ivshmem below the second. */
const SAME_SWITCH = { devices: SWITCH, eduAt: 'bus=dn0', provider: '0000:04:00.0' } as const
/** edu and ivshmem on root ports of their own: P2P goes through q35's host bridge. */
const ROOT_PORTS = { devices: [...rootPort('rp1', 1), ...rootPort('rp2', 2), ...ivshmem('bus=rp2')], eduAt: 'bus=rp1', provider: '0000:02:00.0' } as const
/** edu and ivshmem as functions 0 and 1 of one device on one root port, whose ACS the IOMMU's set-up turns on. */
const ONE_PORT = {
  devices: [...rootPort('rp1', 1), ...ivshmem('bus=rp1,addr=0x0.0x1')],
  eduAt: 'bus=rp1,addr=0x0.0x0,multifunction=on',
  provider: '0000:01:00.1',
} as const
/**
 * An AMD CPU of family 17h (Zen): the kernel trusts its host bridge with P2P
 * (drivers/pci/p2pdma.c, cpu_supports_p2pdma()). QEMU's own model with AMD's
 * vendor and family, as its EPYC model asks for features that software
 * emulation lacks (and says so).
 */
const EPYC = { cpu: 'qemu64,vendor=AuthenticAMD,family=23,model=1' } as const
/**
 * Both routes at once: edu and one ivshmem below the switch (bus
 * addresses), a second ivshmem on a root port of its own, whose bus follows
 * the switch's (05), reached through the host bridge of an AMD CPU.
 */
const BOTH_ROUTES = {
  devices: [...SWITCH, ...rootPort('rp2', 2), ...ivshmem('bus=rp2', 'shm2')],
  eduAt: 'bus=dn0',
  provider: '0000:04:00.0',
  bridgeProvider: '0000:05:00.0',
  ...EPYC,
} as const

/** The reference platforms (docs/platforms.md). */
export const REFERENCE_PLATFORMS = {
  'vtd-strict': { name: 'vtd-strict', append: 'intel_iommu=on iommu.strict=1', devices: ['-device', 'intel-iommu'], memory: '512' },
  'vtd-lazy': { name: 'vtd-lazy', append: 'intel_iommu=on iommu.strict=0', devices: ['-device', 'intel-iommu'], memory: '512' },
  passthrough: { name: 'passthrough', append: 'intel_iommu=on iommu=pt', devices: ['-device', 'intel-iommu'], memory: '512' },
  none: { name: 'none', append: 'intel_iommu=off', devices: [], memory: '512' },
  // With 200 MiB all RAM is below edu's 28-bit mask: dma-direct maps succeed whatever the page allocator hands out.
  'passthrough-low': { name: 'passthrough-low', append: 'intel_iommu=on iommu=pt', devices: ['-device', 'intel-iommu'], memory: '200' },
  'none-low': { name: 'none-low', append: 'intel_iommu=off', devices: [], memory: '200' },
  // Below 256 MiB of RAM the forced swiotlb pool is itself reachable by edu's 28-bit mask, so bouncing really happens.
  bounce: { name: 'bounce', append: 'intel_iommu=off swiotlb=force', devices: [], memory: '200' },
  // A pool of one 128-slot segment (256 KiB), so that a scenario can fill it.
  'bounce-small': { name: 'bounce-small', append: 'intel_iommu=off swiotlb=128,force', devices: [], memory: '200' },
  // edu below an external-facing root port: an untrusted device, behind VT-d lazy (which the kernel makes strict for it).
  'vtd-untrusted': {
    name: 'vtd-untrusted',
    append: 'intel_iommu=on iommu.strict=0',
    devices: [...VTD, ...rootPort('rp1', 1)],
    eduAt: 'bus=rp1',
    acpi: ['external-facing-port'],
    memory: '512',
  },
  // P2P (the 7.x line: Debian's 6.12 has no CONFIG_PCI_P2PDMA).
  'p2p-switch-strict': { name: 'p2p-switch-strict', append: 'intel_iommu=on iommu.strict=1', ...SAME_SWITCH, devices: [...VTD, ...SAME_SWITCH.devices], memory: '512' },
  'p2p-switch-lazy': { name: 'p2p-switch-lazy', append: 'intel_iommu=on iommu.strict=0', ...SAME_SWITCH, devices: [...VTD, ...SAME_SWITCH.devices], memory: '512' },
  'p2p-switch-pt': { name: 'p2p-switch-pt', append: 'intel_iommu=on iommu=pt', ...SAME_SWITCH, devices: [...VTD, ...SAME_SWITCH.devices], memory: '512' },
  'p2p-switch-none': { name: 'p2p-switch-none', append: 'intel_iommu=off', ...SAME_SWITCH, memory: '512' },
  'p2p-ports-strict': { name: 'p2p-ports-strict', append: 'intel_iommu=on iommu.strict=1', ...ROOT_PORTS, devices: [...VTD, ...ROOT_PORTS.devices], memory: '512' },
  'p2p-ports-epyc-strict': {
    name: 'p2p-ports-epyc-strict',
    append: 'intel_iommu=on iommu.strict=1',
    ...ROOT_PORTS,
    ...EPYC,
    devices: [...VTD, ...ROOT_PORTS.devices],
    memory: '512',
  },
  'p2p-ports-epyc-pt': { name: 'p2p-ports-epyc-pt', append: 'intel_iommu=on iommu=pt', ...ROOT_PORTS, ...EPYC, devices: [...VTD, ...ROOT_PORTS.devices], memory: '512' },
  'p2p-both-epyc-strict': { name: 'p2p-both-epyc-strict', append: 'intel_iommu=on iommu.strict=1', ...BOTH_ROUTES, devices: [...VTD, ...BOTH_ROUTES.devices], memory: '512' },
  'p2p-acs-strict': { name: 'p2p-acs-strict', append: 'intel_iommu=on iommu.strict=1', ...ONE_PORT, devices: [...VTD, ...ONE_PORT.devices], memory: '512' },
} as const satisfies Record<string, ReferencePlatform>

export type ReferencePlatformName = keyof typeof REFERENCE_PLATFORMS

/** edu's own DMA mask: its engine reaches 28 bits (QEMU's hw/misc/edu.c, property dma_mask). */
const EDU_MASK_BITS = 28

/**
 * The set-up for a plan's device: edu clamps every address above its DMA
 * mask ("EDU: clamping"), so a device of a wider mask (HMM refuses an
 * addressing-limited one) needs `-device edu,dma_mask=...` to match.
 */
export function forDevice(p: ReferencePlatform, dmaMask: number): ReferencePlatform {
  return dmaMask > EDU_MASK_BITS ? { ...p, eduMask: dmaMask >= 64 ? (1n << 64n) - 1n : (1n << BigInt(dmaMask)) - 1n } : p
}

export interface BootResult {
  readonly lines: readonly string[]
  readonly seconds: number
  readonly timedOut: boolean
}

export function boot(kernel: { readonly image: string }, platform: ReferencePlatform, initramfs: string, timeoutMs = 120_000): Promise<BootResult> {
  const edu = [...(platform.eduAt ? [platform.eduAt] : []), ...(platform.eduMask === undefined ? [] : [`dma_mask=0x${platform.eduMask.toString(16)}`])]
  const args = [
    '-M', 'q35,kernel-irqchip=split',
    ...(platform.cpu ? ['-cpu', platform.cpu] : []),
    '-m', platform.memory,
    '-smp', '1',
    '-nographic', '-no-reboot', '-nodefaults', '-serial', 'stdio',
    '-kernel', kernel.image,
    '-initrd', initramfs,
    // memblock=debug logs where the swiotlb pool was placed (which nothing else prints on x86 when it is forced).
    // no_timer_check: the IO-APIC timer check (arch/x86/kernel/apic/io_apic.c, timer_irq_works()) fails when the
    // emulator is starved of CPU, and the boot panics "timer doesn't work through Interrupt-remapped IO-APIC".
    '-append', `console=ttyS0 quiet loglevel=4 panic=-1 memblock=debug no_timer_check ${platform.append}`,
    ...(platform.acpi ?? []).flatMap((t) => ['-acpitable', `file=${acpiTable(t)}`]),
    ...platform.devices,
    ...(platform.edu === false ? [] : ['-device', ['edu', ...edu].join(',')]),
  ]
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')))
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')))
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      // Strip the console's carriage returns and escape sequences.
      const lines = out.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1bc/g, '').split('\n')
      resolve({ lines, seconds: (Date.now() - started) / 1000, timedOut })
    })
  })
}
