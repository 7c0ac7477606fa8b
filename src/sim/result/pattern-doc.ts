/** The data patterns of the data check, in words (for --help and the README). */
export function describePattern(): string {
  return [
    'Untouched memory reads as a power-on pattern of its physical address: byte(a) = fmix32(lo32(a) ^ fmix32(hi32(a) + 0x5bd1e995)) & 0xff;',
    'swiotlb pools and coherent allocations start zeroed.',
    'A write step fills byte o of its region with fmix32(seed ^ lo32(o) ^ fmix32(hi32(o))) & 0xff, seed = fmix32(2 * step + who + 0x2545f491),',
    "who = 0 for the CPU and 1 for the device (fmix32 is MurmurHash3's finaliser).",
    'A read (device or CPU) must return exactly the bytes of the latest write step, or the initial content.',
  ].join(' ')
}
