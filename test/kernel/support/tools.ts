/**
 * The kernel tools the kernel tests need: a Debian 6.12 image with the
 * headers of the same version, QEMU, busybox, cpio, gcc/make. In CI a missing
 * tool fails the run; elsewhere the tests skip with a visible line.
 */
import { existsSync, readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

export interface KernelPair {
  readonly version: string
  readonly image: string
  readonly headers: string
}

const cmp = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true })

/** The newest installed 6.12 kernel image whose headers are installed too (never a hard-coded version). */
export function findKernel(): KernelPair | undefined {
  const boot = existsSync('/boot') ? readdirSync('/boot') : []
  const versions = boot
    .map((f) => f.match(/^vmlinuz-(6\.12\.\d+\+deb12-amd64)$/)?.[1])
    .filter((v): v is string => v !== undefined && existsSync(`/usr/src/linux-headers-${v}/Makefile`))
    .sort(cmp)
  const version = versions.at(-1)
  return version ? { version, image: `/boot/vmlinuz-${version}`, headers: `/usr/src/linux-headers-${version}` } : undefined
}

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : undefined
}

export interface ToolCheck {
  readonly ok: boolean
  readonly missing: readonly string[]
}

export function kernelTools(): ToolCheck {
  const missing: string[] = []
  if (!findKernel()) missing.push('a Debian linux-image-6.12 with matching linux-headers')
  for (const cmd of ['qemu-system-x86_64', 'busybox', 'cpio', 'gzip', 'make', 'gcc']) if (!which(cmd)) missing.push(cmd)
  return { ok: missing.length === 0, missing }
}

/**
 * In CI a missing tool is a failure (the caller throws); elsewhere it returns
 * false after printing why the kernel tests are skipped.
 */
export function requireTools(check: ToolCheck, what: string): boolean {
  if (check.ok) return true
  const why = `${what}: missing ${check.missing.join(', ')}`
  if (process.env.CI) throw new Error(`${why} (CI is set, so this is a failure, not a skip)`)
  console.log(`skipped ${why}`)
  return false
}
