/**
 * The two-step IOVA API as the kernel runs it, watched by the importer's
 * kprobes (src/import/iova-probes.ts): dma_iova_try_alloc/link/sync/unlink/
 * destroy/free have no dma:* trace events and dma-debug does not track
 * them. On a kernel without the API (6.12) the symbols do not exist, every
 * definition is refused, and nothing is recorded (a plain symbol that is
 * not there is -ENOENT: trace_kprobe.c register_trace_kprobe()): the
 * harness's compat stubs there are static functions of the module, never
 * probed. Debian's 7.3.4 calls the exported dma_iova_unlink() and
 * dma_iova_free() out of line from dma_iova_destroy(), so those calls are
 * seen too, nested in it.
 */
import { IovaCallPairing, iovaProbeSetup, parseIovaProbe } from '../../../src/import/iova-probes.js'
import type { IovaCall, ProbeHit } from '../../../src/import/iova-probes.js'
import type { TraceCall } from './observe.js'

export { IOVA_PROBE_GROUP as PROBE_GROUP, dirName, iovaFunction } from '../../../src/import/iova-probes.js'

/** The init script's lines that define and enable the probes. */
export const probeSetup = iovaProbeSetup

/** A probe's line of the serial output, or undefined. */
export const probeHit = (line: string, n = 0): ProbeHit | undefined => parseIovaProbe(line, n)

/** The calls in the order of their entries, each completed in place when it returns. */
export class IovaCalls {
  readonly #pairing = new IovaCallPairing()
  readonly #at = new Map<ProbeHit, number>()

  hit(h: ProbeHit, trace: TraceCall[]): void {
    const p = this.#pairing.hit(h)
    if (p === undefined) return
    const call: IovaCall = p.call
    if (!p.complete) {
      this.#at.set(p.entry, trace.length)
      trace.push(call)
      return
    }
    const at = this.#at.get(p.entry)
    if (at === undefined) return
    this.#at.delete(p.entry)
    trace[at] = call
  }
}
