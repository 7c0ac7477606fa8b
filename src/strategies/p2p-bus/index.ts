/** p2p-bus: peer memory by PCI bus address, no IOVA (drivers/pci/p2pdma.c pci_p2pdma_bus_addr_map()). */
import type { StrategyDescriptor } from '../descriptor.js'

export const p2pBus = {
  name: 'p2p-bus',
  summary: 'p2p-bus: peer memory below a common switch, by PCI bus address',
  kernel: ['drivers/pci/p2pdma.c pci_p2pdma_map_type()', 'include/linux/pci-p2pdma.h pci_p2pdma_bus_addr_map()'],
  verdicts: { normal: 'bus-only', 'p2p-bus': 'ok', 'p2p-host-bridge': 'bus-only', 'p2p-unsupported': 'unreachable', encrypted: 'bus-only' },
  uniform: false,
  template: 'p2p-bus',
  templateNeeds: ['sg'],
  allocates: false,
  perPage: false,
  harness: true,
  dispatches: false,
  busAddressBySg: true,
} as const satisfies StrategyDescriptor
