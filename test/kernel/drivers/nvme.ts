/**
 * NVMe (drivers/nvme/host/pci.c) on QEMU's `nvme` with a 64 MiB disk:
 * direct reads and writes of several sizes through the block layer, so
 * that single-segment requests (a dma_map_page()/dma_map_phys() each) and
 * multi-segment ones (a scatterlist on 6.12; the block layer's IOVA
 * iterator on 7.x: blk_rq_dma_map_iter_start(), the two-step IOVA API,
 * which has no trace events and is seen by the importer's kprobes) take
 * turns. busybox dd's buffers are not page-aligned, as most programs' are
 * not: NVMe asks only for 4-byte alignment (dma_alignment 3).
 */
import { truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { driver } from '../support/driver.js'

const SIZES = [512, 4096, 8192, 65536, 4096, 131072, 512, 1048576, 8192, 4096, 16384, 2048]

export default driver({
  name: 'nvme',
  about: 'direct I/O of 512 B to 1 MiB on an NVMe drive',
  modules: ['nvme'],
  qemu: (scratch) => {
    const disk = join(scratch, 'nvme.img')
    writeFileSync(disk, '')
    truncateSync(disk, 64 << 20)
    return ['-drive', `file=${disk},if=none,id=nvm,format=raw`, '-device', 'nvme,serial=dmaplan,drive=nvm']
  },
  workload: [
    `for round in 1 2; do for bs in ${SIZES.join(' ')}; do`,
    '  dd if=/dev/zero of=/dev/nvme0n1 bs=$bs count=4 seek=$round oflag=direct 2>/dev/null || echo "dmaplan-driver: write of $bs failed"',
    '  dd if=/dev/nvme0n1 of=/dev/null bs=$bs count=4 skip=$round iflag=direct 2>/dev/null || echo "dmaplan-driver: read of $bs failed"',
    'done; done',
  ],
  minMappings: 150,
})
