/**
 * Booting a kernel line's image under QEMU (software emulation) with the
 * platform of a reference set-up and QEMU's edu DMA device, collecting the
 * serial console. Single CPU, so per-CPU IOVA caches are deterministic.
 */
import { spawn } from 'node:child_process'

export interface ReferencePlatform {
  readonly name: string
  /** Kernel command line additions. */
  readonly append: string
  readonly devices: readonly string[]
  readonly memory: string
  /** edu's DMA mask, when wider than its own 28 bits (forDevice()). */
  readonly eduMask?: bigint
}

/** The reference platforms of reference-platforms.md. */
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
  const args = [
    '-M', 'q35,kernel-irqchip=split',
    '-m', platform.memory,
    '-smp', '1',
    '-nographic', '-no-reboot', '-nodefaults', '-serial', 'stdio',
    '-kernel', kernel.image,
    '-initrd', initramfs,
    // memblock=debug logs where the swiotlb pool was placed (which nothing else prints on x86 when it is forced).
    '-append', `console=ttyS0 quiet loglevel=4 panic=-1 memblock=debug ${platform.append}`,
    ...platform.devices,
    '-device', platform.eduMask === undefined ? 'edu' : `edu,dma_mask=0x${platform.eduMask.toString(16)}`,
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
