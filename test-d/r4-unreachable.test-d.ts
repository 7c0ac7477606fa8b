// R4: P2P memory the device cannot reach (no common switch, ACS redirect, confidential guest, not PCI) fails under every strategy.
import { expectError, expectType } from 'tsd'
import { platform } from 'dmaplan'
import type { Plan } from 'dmaplan'

// different root ports, host bridge closed
const split = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: false } })
const nic = split.device('nic0', { at: 'sw0', dmaMask: 64 })
const rootGpu = split.device('gpu0', { p2pMemory: { bytes: 1 << 30 } }) // a root port of its own
const otherGpu = split.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } })
const nearGpu = split.device('gpu2', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } })
const rootMem = rootGpu.p2p('root_mem', { pages: 4 })
const otherMem = otherGpu.p2p('other_mem', { pages: 4 })
const nearMem = nearGpu.p2p('near_mem', { pages: 4 })
const buf = split.ram('buf', { pages: 4 })

// the same topology with the host bridge open
const open = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: true } })
const openNic = open.device('nic0', { at: 'sw0', dmaMask: 64 })
const openGpu = open.device('gpu1', { at: 'sw1', p2pMemory: { bytes: 1 << 30 } })
const openMem = openGpu.p2p('other_mem', { pages: 4 })

// a common switch whose ports redirect P2P to the root complex
const acs = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { plx0: { acsRedirect: true } } } })
const acsNic = acs.device('nic0', { at: 'plx0', dmaMask: 64 })
const acsGpu = acs.device('gpu0', { at: 'plx0', p2pMemory: { bytes: 1 << 30 } })
const acsMem = acsGpu.p2p('acs_mem', { pages: 4 })
const acsOpen = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { plx0: { acsRedirect: true } }, hostBridgeP2P: true } })
const acsOpenNic = acsOpen.device('nic0', { at: 'plx0', dmaMask: 64 })
const acsOpenMem = acsOpen.device('gpu0', { at: 'plx0', p2pMemory: { bytes: 1 << 30 } }).p2p('acs_mem', { pages: 4 })

// a confidential guest: no P2P at all, even below one switch with the host bridge open
const guest = platform({ kernel: '7.0', iommu: { mode: 'translated' }, coco: true, pci: { switches: { sw0: {} }, hostBridgeP2P: true } })
const vnic = guest.device('vnic0', { at: 'sw0', dmaMask: 64 })
const vgpu = guest.device('vgpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } })
const vmem = vgpu.p2p('vmem', { pages: 4 })
const vbuf = guest.ram('vbuf', { pages: 4, shared: true })

// a client that is not a PCI device
const soc = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {} }, hostBridgeP2P: true } })
const dsp = soc.device('dsp0', { pci: false, dmaMask: 64 })
const socGpu = soc.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 30 } })
const socMem = socGpu.p2p('soc_mem', { pages: 4 })
const socBuf = soc.ram('soc_buf', { pages: 4 })

// provider on another root port
expectError(split.plan(nic).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [rootMem]).deviceReads('tx', rootMem).unmap('tx').build())
expectType<Plan>(split.plan(nic).transaction('tx', { strategy: 'sg', dir: 'to-device' }, [nearMem]).deviceReads('tx', nearMem).unmap('tx').build())

// provider below another switch: even auto cannot map it
expectError(split.plan(nic).transaction('tx', { strategy: 'auto', dir: 'to-device' }, [otherMem]).unmap('tx').build())
expectType<Plan>(open.plan(openNic).transaction('tx', { strategy: 'auto', dir: 'to-device' }, [openMem]).unmap('tx').build())

// unreachable is R4 before p2p-bus's own rule (R3)
expectError(split.plan(nic).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [otherMem]).unmap('tx').build())
expectType<Plan>(split.plan(nic).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [nearMem]).unmap('tx').build())

// hmm mixes kinds, but not unreachable ones
expectError(split.plan(nic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [buf, otherMem]).unmap('mr').build())
expectType<Plan>(split.plan(nic).transaction('mr', { strategy: 'hmm', dir: 'bidirectional' }, [buf, nearMem]).unmap('mr').build())

// ACS redirect below the common switch, host bridge closed
expectError(acs.plan(acsNic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [acsMem]).unmap('tx').build())
expectType<Plan>(acsOpen.plan(acsOpenNic).transaction('tx', { strategy: 'page', dir: 'to-device' }, [acsOpenMem]).unmap('tx').build())
// ... with p2p-bus too, where a reachable peer would have been a bus address
expectError(acs.plan(acsNic).transaction('tx', { strategy: 'p2p-bus', dir: 'to-device' }, [acsMem]).unmap('tx').build())
expectType<Plan>(acsOpen.plan(acsOpenNic).transaction('tx', { strategy: 'iova', dir: 'to-device' }, [acsOpenMem]).unmap('tx').build())

// confidential guest
expectError(guest.plan(vnic).transaction('tx', { strategy: 'blk', dir: 'to-device' }, [vmem]).unmap('tx').build())
expectType<Plan>(guest.plan(vnic).transaction('tx', { strategy: 'blk', dir: 'to-device' }, [vbuf]).unmap('tx').build())

// not PCI
expectError(soc.plan(dsp).transaction('tx', { strategy: 'page', dir: 'to-device' }, [socMem]).unmap('tx').build())
expectType<Plan>(soc.plan(dsp).transaction('tx', { strategy: 'page', dir: 'to-device' }, [socBuf]).unmap('tx').build())
