/**
 * A minimal initramfs: a static busybox, the modules, and an /init that runs
 * them one after the other and powers off. Output goes to the serial console:
 * the boot's swiotlb/IOMMU lines as `dmaplan-boot: ...` (with memblock=debug,
 * which qemu.ts sets, the first says where the swiotlb pool went:
 * `dmaplan-boot: swiotlb [..] memblock_reserve: [a-b] ...`), each module's
 * kernel log as `dmaplan-log: ...` and, with `trace`, the kernel's own
 * record of every DMA API call the module made (the tracepoints of
 * include/trace/events/dma.h, and kprobes on the IOVA API, which has none:
 * iova-probes.ts) as `dmaplan-trace: ...`.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { which } from '../../support/tools.js'
import type { Failslab } from './failslab.js'
import { armFailslab, failslabReport, insmodFailing } from './failslab.js'
import { probeSetup } from './iova-probes.js'

const APPLETS = ['sh', 'mount', 'insmod', 'rmmod', 'dmesg', 'poweroff', 'sleep', 'cat', 'echo', 'grep', 'sed', 'head', 'sort', 'stty']

export interface InitramfsSpec {
  /** Modules to load, in order; each is removed again after it ran. */
  readonly modules: readonly string[]
  /** Their parameters (`name=value ...`), the same for each. */
  readonly args?: string
  /** Modules loaded first and kept (a P2P provider), their log printed before the others'. */
  readonly providers?: readonly string[]
  /** Record the dma:* trace events and the IOVA API's calls of each module (insmod to rmmod). */
  readonly trace?: boolean
  /**
   * A kernel with CONFIG_DMA_API_DEBUG: report every error (not only the
   * boot's first) and, after each module's removal (its driver unbound),
   * dma-debug's error count since boot and whether it turned itself off
   * (out of entries), as `dmaplan-dma-debug: error_count=N disabled=Y|N`;
   * before each module, its entry pool (free and total, which grows and never
   * shrinks), as `dmaplan-dma-debug: pool free=N total=M`.
   */
  readonly dmaDebug?: boolean
  /** Make the nth slab allocation of a call fail, in the modules' own task (failslab.ts; a debug kernel). */
  readonly failslab?: Failslab
}

const TRACING = '/sys/kernel/tracing'
const DMA_API = '/sys/kernel/debug/dma-api'

/** A fresh initramfs tree with busybox and its applets, and an empty /modules: the tree and the directory that holds it. */
export function initramfsRoot(applets: readonly string[] = APPLETS): { readonly dir: string; readonly root: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dmaplan-initramfs-'))
  const root = join(dir, 'root')
  for (const d of ['bin', 'proc', 'sys', 'dev', 'modules']) mkdirSync(join(root, d), { recursive: true })
  copyFileSync(which('busybox') as string, join(root, 'bin', 'busybox'))
  for (const a of applets) symlinkSync('busybox', join(root, 'bin', a))
  return { dir, root }
}

/** The tree with its /init, as a gzipped cpio archive next to it. */
export function packInitramfs(dir: string, root: string, init: readonly string[]): string {
  writeFileSync(join(root, 'init'), `${init.join('\n')}\n`)
  chmodSync(join(root, 'init'), 0o755)
  const out = join(dir, 'initramfs.gz')
  const r = spawnSync('sh', ['-c', `cd "${root}" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "${out}"`])
  if (r.status !== 0) throw new Error(`cpio failed: ${r.stderr}`)
  return out
}

/** The first lines of every /init: the pseudo file systems, and the boot's log set aside. */
export const INIT_MOUNTS: readonly string[] = ['#!/bin/sh', 'mount -t proc proc /proc', 'mount -t sysfs sys /sys', 'mount -t devtmpfs dev /dev']

/** The last lines: power off only once the console has sent everything (stty sets its mode with TCSADRAIN). */
export const INIT_POWEROFF: readonly string[] = ['stty -echo', 'poweroff -f']

export function buildInitramfs(spec: InitramfsSpec): string {
  const { dir, root } = initramfsRoot()
  const copy = (m: string) => {
    copyFileSync(m, join(root, 'modules', basename(m)))
    return basename(m)
  }
  const providers = (spec.providers ?? []).map(copy)
  const names = spec.modules.map(copy)
  const init = [
    ...INIT_MOUNTS,
    // The kernel's own view of the platform, for the comparison: the swiotlb pool and the IOMMU mode.
    'dmesg -c > /boot.log',
    // The pool is the first memblock allocation of swiotlb_init_remap(); its range is on the next line.
    'grep -A1 -E "memblock_alloc_try_nid: .*swiotlb_(init_remap|memblock_alloc)" /boot.log | grep memblock_reserve | head -n 1 | sed "s/^/dmaplan-boot: swiotlb /"',
    'grep -E "software IO TLB|iommu: Default domain|DMA domain TLB|DMAR: Host address width" /boot.log | sed "s/^/dmaplan-boot: /"',
    // The IOVA API has no tracepoints: kprobes stand in (iova-probes.ts), in the same buffer, so the order of all calls is kept.
    ...(spec.trace ? [`mount -t tracefs nodev ${TRACING}`, `echo 1 > ${TRACING}/events/dma/enable`, ...probeSetup(TRACING)] : []),
    ...(spec.dmaDebug || spec.failslab ? ['mount -t debugfs nodev /sys/kernel/debug'] : []),
    ...(spec.dmaDebug ? [`echo 1 > ${DMA_API}/all_errors`] : []),
    ...(spec.failslab ? armFailslab(spec.failslab) : []),
    ...providers.map((n) => `insmod /modules/${n}`),
    ...(providers.length > 0 ? ['dmesg -c | sed "s/^/dmaplan-log: /"'] : []),
    // The console is quiet; each module's kernel log is printed whole after it ran.
    ...names.flatMap((n) => {
      const insmod = `insmod /modules/${n}${spec.args ? ` ${spec.args}` : ''}`
      return [
        `echo "dmaplan-module: begin ${n}"`,
        ...(spec.dmaDebug ? [`echo "dmaplan-dma-debug: pool free=$(cat ${DMA_API}/num_free_entries) total=$(cat ${DMA_API}/nr_total_entries)"`] : []),
        ...(spec.trace ? [`echo > ${TRACING}/trace`] : []),
        spec.failslab ? insmodFailing(insmod) : insmod,
        `rmmod ${n.replace(/\.ko$/, '')}`,
        'dmesg -c | sed "s/^/dmaplan-log: /"',
        ...(spec.failslab ? [failslabReport()] : []),
        ...(spec.dmaDebug ? [`echo "dmaplan-dma-debug: error_count=$(cat ${DMA_API}/error_count) disabled=$(cat ${DMA_API}/disabled)"`] : []),
        ...(spec.trace ? [`grep -v "^#" ${TRACING}/trace | sed "s/^/dmaplan-trace: /"`] : []),
        `echo "dmaplan-module: end ${n}"`,
      ]
    }),
    'echo "dmaplan-module: all done"',
    ...INIT_POWEROFF,
  ]
  return packInitramfs(dir, root, init)
}
