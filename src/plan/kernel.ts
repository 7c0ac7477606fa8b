/**
 * Target kernel releases and the driver-facing features each one gates
 * (rule R9). Every release from the long-term 6.12 to the newest modelled is
 * listed, in order; a plan names one (`kernel: '6.14'`) and gets that
 * release's behaviour. What changed in the DMA layer from release to
 * release, and the features rule R9 gates, are in kernel-changes.ts; this
 * file only knows the order.
 */
export const KERNEL_VERSIONS = ['6.12', '6.13', '6.14', '6.15', '6.16', '6.17', '6.18', '6.19', '7.0', '7.1', '7.2', '7.3'] as const
export type KernelVersion = (typeof KERNEL_VERSIONS)[number]

/** The newest release: what a plan that names none targets. */
export type NewestKernel = LastOf<typeof KERNEL_VERSIONS>
export const DEFAULT_KERNEL = KERNEL_VERSIONS[KERNEL_VERSIONS.length - 1] as NewestKernel

type LastOf<L extends readonly unknown[]> = L extends readonly [...unknown[], infer Last] ? Last : never
/** The releases from V on, read off the ordered list. */
type From<L extends readonly string[], V extends string> = L extends readonly [infer H extends string, ...infer T extends readonly string[]]
  ? H extends V
    ? L[number]
    : From<T, V>
  : never

/** Releases at or after each release, used by the type-level gate as a plain lookup. */
export type KernelAtLeast = { readonly [V in KernelVersion]: From<typeof KERNEL_VERSIONS, V> }

export function kernelAtLeast(version: KernelVersion, since: KernelVersion): boolean {
  return KERNEL_VERSIONS.indexOf(version) >= KERNEL_VERSIONS.indexOf(since)
}

/** The release of a kernel version string such as "7.3.4+deb13-amd64", if it is one the model knows. */
export function kernelRelease(version: string): KernelVersion | undefined {
  const m = version.match(/^(\d+)\.(\d+)(?:\D|$)/)
  const release = m ? `${m[1]}.${m[2]}` : ''
  return (KERNEL_VERSIONS as readonly string[]).includes(release) ? (release as KernelVersion) : undefined
}
