/**
 * The kernel lines the tests build modules for and boot: Debian 12's own
 * 6.12 (installed image and headers, built with the host's toolchain) and
 * the 7.x reference kernel, Debian's newest 7.x binary kernel from its newer
 * suites, whose kbuild runs in a trixie chroot (scripts/reference-kernel
 * prepares and caches both). A test that needs a line asks for it here and
 * hands what is missing to needTools().
 */
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import type { KernelVersion } from '../../src/plan/kernel.js'
import { kernelRelease } from '../../src/plan/kernel.js'
import type { KernelChangeId } from '../../src/plan/kernel-changes.js'
import { backportedFixes } from '../../src/plan/kernel-changes.js'
import { ROOT } from './fixtures.js'
import { findCheckpatch, findKernel, missingCommands } from './tools.js'

const run = promisify(execFile)

export interface KernelLine {
  /** The release the line runs, as plans name it: '6.12', '7.3'. */
  readonly release: KernelVersion
  /** The kernel's full version: 6.12.117+deb12-amd64. */
  readonly version: string
  /** Its bzImage, on this machine. */
  readonly image: string
  /** checkpatch.pl of the same release's source tree. */
  readonly checkpatch: string
  /** The headers' include/linux, on this machine (where Kbuild's feature tests look). */
  readonly include: string
  /** The release's in-tree modules with their modules.dep (/lib/modules/<version>), where this machine has them. */
  readonly modules?: string
  /** Built with CONFIG_DMA_API_DEBUG (scripts/debug-kernel). */
  readonly dmaDebug?: boolean
  /** Where this kernel differs from its mainline release: the fixes its changelog lists as backported. */
  readonly changes: Partial<Record<KernelChangeId, boolean>>
  /** A fresh directory for a kbuild tree, where this line's make sees it. */
  workdir(prefix: string): string
  /** `make -C <headers> M=<tree> <args>` in the line's build environment; stdout and stderr together. */
  make(tree: string, args: readonly string[]): Promise<{ readonly ok: boolean; readonly out: string }>
}

type Found = { readonly line: KernelLine } | { readonly missing: readonly string[] }

/** A Debian kernel package's changelog (gzip), or nothing when the package has none. */
function changelog(path: string): string {
  return existsSync(path) ? gunzipSync(readFileSync(path)).toString('utf8') : ''
}

/** The key=value lines a kernel script prints on stdout (scripts/reference-kernel, scripts/debug-kernel). */
function keyValues(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
}

const output = (r: { stdout?: string | Buffer; stderr?: string | Buffer }) => `${String(r.stdout ?? '')}\n${String(r.stderr ?? '')}`

async function make(cmd: string, args: readonly string[]): Promise<{ ok: boolean; out: string }> {
  return run(cmd, args, { maxBuffer: 64 << 20 }).then(
    (r) => ({ ok: true, out: output(r) }),
    (e: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, out: `${output(e)}\n${e.message}` }),
  )
}

/** Debian 12's newest installed 6.12 with its headers, built with the host's make and gcc. */
export function debianLine(): Found {
  const k = findKernel()
  const checkpatch = findCheckpatch()
  const missing = [
    ...(k ? [] : ['a Debian linux-image-6.12 with matching linux-headers']),
    ...(checkpatch ? [] : ['checkpatch.pl (an unpacked /usr/src/linux-source-6.12)']),
    ...missingCommands(['make', 'gcc', 'sparse', 'perl']),
  ]
  if (k === undefined || checkpatch === undefined || missing.length > 0) return { missing }
  const release = kernelRelease(k.version)
  if (release === undefined) return { missing: [`a release the model knows (found ${k.version})`] }
  return {
    line: {
      release,
      version: k.version,
      image: k.image,
      ...(existsSync(`/lib/modules/${k.version}/modules.dep`) ? { modules: `/lib/modules/${k.version}` } : {}),
      checkpatch,
      include: join(k.headers.replace(/-[a-z0-9]+$/, '-common'), 'include/linux'),
      changes: backportedFixes(release, changelog(`/usr/share/doc/linux-image-${k.version}/changelog.gz`)),
      workdir: (prefix) => mkdtempSync(join('/tmp', prefix)),
      make: (tree, args) => make('make', ['-C', k.headers, `M=${tree}`, ...args]),
    },
  }
}

/** The lines DMAPLAN_LINES names (6.12, 7), or both. */
function wanted(label: string): boolean {
  const only = process.env['DMAPLAN_LINES']?.split(',').filter((l) => l !== '')
  return only === undefined || only.some((l) => label.startsWith(l.split('.')[0] ?? l))
}

/**
 * The kernel lines a test runs on: both, or those DMAPLAN_LINES names
 * (6.12, 7), each found or with what is missing.
 */
export async function kernelLines(): Promise<{ readonly label: string; readonly found: Found }[]> {
  const out: { label: string; found: Found }[] = []
  for (const [label, find] of [
    ['6.12', async () => debianLine()],
    ['7.x', referenceLine],
  ] as const)
    if (wanted(label)) out.push({ label, found: await find() })
  return out
}

/**
 * The debug kernel of each line (the same releases built from Debian's
 * linux-source with CONFIG_DMA_API_DEBUG: scripts/debug-kernel, which
 * builds one in about a quarter of an hour and caches it), found or with
 * what is missing.
 */
export async function debugLines(): Promise<{ readonly label: string; readonly found: Found }[]> {
  const out: { label: string; found: Found }[] = []
  for (const label of ['6.12', '7.x'] as const) if (wanted(label)) out.push({ label: `${label} with dma-debug`, found: await debugLine(label === '6.12' ? '6.12' : '7') })
  return out
}

const debugBuilds = new Map<string, Promise<Found>>()

function debugLine(line: '6.12' | '7'): Promise<Found> {
  let found = debugBuilds.get(line)
  if (found === undefined) {
    found = prepareDebug(line)
    debugBuilds.set(line, found)
  }
  return found
}

async function prepareDebug(line: '6.12' | '7'): Promise<Found> {
  const missing = missingCommands(['make', 'gcc', 'flex', 'bison', 'bc', 'perl', 'flock', ...(line === '7' ? ['apt-get', 'debootstrap', 'dpkg-deb'] : [])])
  if (missing.length > 0) return { missing }
  const r = await run(join(ROOT, 'scripts/debug-kernel'), ['--line', line], { encoding: 'utf8', maxBuffer: 16 << 20 }).then(
    (x) => ({ ok: true, stdout: x.stdout, stderr: x.stderr }),
    (e: { stdout?: string; stderr?: string }) => ({ ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  )
  process.stderr.write(r.stderr)
  if (!r.ok) return { missing: [`the ${line} debug kernel (scripts/debug-kernel failed: ${r.stderr.trim().split('\n').at(-1) ?? ''})`] }
  const kv = keyValues(r.stdout)
  const { version = '', image = '', build = '', source = '', changelog: log = '' } = kv
  const release = kernelRelease(version)
  if (release === undefined) return { missing: [`a release the model knows (the debug kernel is ${version})`] }
  return {
    line: {
      release,
      version,
      image,
      checkpatch: join(source, 'scripts/checkpatch.pl'),
      include: join(source, 'include/linux'),
      dmaDebug: true,
      changes: backportedFixes(release, changelog(log)),
      workdir: (prefix) => mkdtempSync(join('/tmp', prefix)),
      make: (tree, args) => make('make', ['-C', build, `M=${tree}`, ...args]),
    },
  }
}

let reference: Promise<Found> | undefined

/**
 * The 7.x reference kernel: scripts/reference-kernel finds Debian's newest
 * 7.x binary kernel, downloads it, makes the chroot, or reuses the cache
 * (it prints each phase's time). Its kbuild runs in the chroot, with /proc
 * mounted in a private mount namespace.
 */
export function referenceLine(): Promise<Found> {
  reference ??= prepare()
  return reference
}

async function prepare(): Promise<Found> {
  const missing = missingCommands(['apt-get', 'debootstrap', 'dpkg-deb', 'chroot', 'unshare', 'flock', 'bc'])
  if (missing.length > 0) return { missing }
  const r = spawnSync(join(ROOT, 'scripts/reference-kernel'), [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  process.stderr.write(r.stderr)
  if (r.status !== 0) return { missing: [`the 7.x reference kernel (scripts/reference-kernel failed: ${r.stderr.trim().split('\n').at(-1) ?? ''})`] }
  const kv = keyValues(r.stdout)
  const { version = '', image = '', root = '', headers = '', source = '', modules = '' } = kv
  const release = kernelRelease(version)
  const checkpatch = join(source, 'scripts/checkpatch.pl')
  if (release === undefined) return { missing: [`a 7.x release the model knows (found ${version})`] }
  if (!existsSync(image) || !existsSync(checkpatch)) return { missing: [`the 7.x reference kernel's image and checkpatch.pl (${image}, ${checkpatch})`] }
  const scratch = join(root, 'tmp')
  return {
    line: {
      release,
      version,
      image,
      ...(existsSync(join(modules, 'modules.dep')) ? { modules } : {}),
      checkpatch,
      include: join(root, headers.replace(/-[a-z0-9]+$/, '-common'), 'include/linux'),
      changes: backportedFixes(release, changelog(join(image, `../../../../share/doc/linux-base-${version}/changelog.Debian.gz`))),
      workdir: (prefix) => {
        mkdirSync(scratch, { recursive: true })
        return mkdtempSync(join(scratch, prefix))
      },
      make: (tree, args) =>
        make('unshare', [
          '--mount',
          '--fork',
          'chroot',
          root,
          'sh',
          '-c',
          // objtool reads /proc; the mount ends with the namespace.
          'PATH=/usr/local/bin:/usr/bin:/bin && mount -t proc proc /proc && exec make "$@"',
          'make',
          '-C',
          headers,
          `M=/${relative(root, tree)}`,
          ...args,
        ]),
    },
  }
}
