/**
 * A minimal initramfs: a static busybox, the modules, and an /init that runs
 * them one after the other and powers off. Output goes to the serial console.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { which } from './tools.js'

const APPLETS = ['sh', 'mount', 'insmod', 'rmmod', 'dmesg', 'poweroff', 'sleep', 'cat', 'echo', 'grep', 'sed']

export interface InitramfsSpec {
  /** Modules to load, in order; each is removed again after it ran. */
  readonly modules: readonly string[]
}

export function buildInitramfs(spec: InitramfsSpec): string {
  const dir = mkdtempSync(join(tmpdir(), 'dmaplan-initramfs-'))
  const root = join(dir, 'root')
  for (const d of ['bin', 'proc', 'sys', 'dev', 'modules']) mkdirSync(join(root, d), { recursive: true })
  copyFileSync(which('busybox') as string, join(root, 'bin', 'busybox'))
  for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a))
  const names = spec.modules.map((m) => {
    copyFileSync(m, join(root, 'modules', basename(m)))
    return basename(m)
  })
  const init = [
    '#!/bin/sh',
    'mount -t proc proc /proc',
    'mount -t sysfs sys /sys',
    'mount -t devtmpfs dev /dev',
    // The kernel's own view of the platform, for the comparison: the swiotlb pool and the IOMMU mode.
    'dmesg -c | grep -E "software IO TLB|iommu: Default domain|DMA domain TLB|DMAR: Host address width" | sed "s/^/dmaplan-boot: /"',
    // The console is quiet; each module's kernel log is printed whole after it ran.
    ...names.flatMap((n) => [
      `echo "dmaplan-module: begin ${n}"`,
      `insmod /modules/${n}`,
      `rmmod ${n.replace(/\.ko$/, '')}`,
      'dmesg -c | sed "s/^/dmaplan-log: /"',
      `echo "dmaplan-module: end ${n}"`,
    ]),
    'echo "dmaplan-module: all done"',
    'poweroff -f',
  ].join('\n')
  writeFileSync(join(root, 'init'), `${init}\n`)
  chmodSync(join(root, 'init'), 0o755)
  const out = join(dir, 'initramfs.gz')
  const r = spawnSync('sh', ['-c', `cd "${root}" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "${out}"`])
  if (r.status !== 0) throw new Error(`cpio failed: ${r.stderr}`)
  return out
}
