/**
 * e1000e (drivers/net/ethernet/intel/e1000e) on QEMU's `e1000e`, on a
 * user-mode network that lets no packet out of QEMU (`restrict=on`): two
 * thousand pings of two sizes to QEMU's gateway, which answers them, so
 * that the driver maps each packet it sends (dma_map_single() and
 * skb_frag_dma_map()) and refills its receive ring (a dma_map_single() of
 * each new buffer, unmapped when the packet arrives).
 */
import { driver } from '../support/driver.js'

export default driver({
  name: 'e1000e',
  about: 'two thousand pings to the gateway of a closed user-mode network',
  modules: ['e1000e'],
  qemu: () => ['-netdev', 'user,id=net0,restrict=on', '-device', 'e1000e,netdev=net0'],
  workload: [
    'ip link set eth0 up',
    'ip addr add 10.0.2.15/24 dev eth0',
    'sleep 2',
    'ping -c 1000 -A -s 1400 -q 10.0.2.2 | grep -E "transmitted" | sed "s/^/dmaplan-driver: /"',
    'ping -c 1000 -A -s 56 -q 10.0.2.2 | grep -E "transmitted" | sed "s/^/dmaplan-driver: /"',
    'ip link set eth0 down',
  ],
  minMappings: 2000,
})
