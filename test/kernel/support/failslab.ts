/**
 * The kernel's own fault injection for the fallible calls whose failure is
 * a slab allocation failing (CONFIG_FAILSLAB, lib/fault-inject.c): the
 * allocation of a small scatterlist in sg_alloc_table() (sg_kmalloc(), up
 * to SG_MAX_SINGLE_ALLOC - 1 entries) and of an HMM mirror's PFN list in
 * hmm_dma_map_alloc() (kvcalloc(), which below a page does not fall back to
 * vmalloc). The other fallible calls (maps, links, syncs, the IOVA and
 * block iterators) fail for reasons no fault-injection site reaches, and
 * none of them is ALLOW_ERROR_INJECTION for fail_function: the harness's
 * fail_at_call stands in for those (templates/module/inject.c).
 *
 * Only the module's own allocations count: the task filter (insmod's
 * make-it-fail), the stacktrace filter (an allocation whose stack goes
 * through the function, its text range read from /proc/kallsyms), and the
 * interval make the nth such allocation fail, once. The kernel dumps the
 * stack of a failure it forces unless the allocation asked for
 * __GFP_NOWARN (hmm_dma_map_alloc()'s does); failslab's counter of the
 * failures left to make says that it fired either way.
 */

/** The fallible calls failslab reaches: each fails with its first slab allocation. */
export const FAILSLAB_CALLS = ['sg_alloc_table', 'hmm_dma_map_alloc'] as const
export type FailslabCall = (typeof FAILSLAB_CALLS)[number]

export function isFailslabCall(fn: string): fn is FailslabCall {
  return (FAILSLAB_CALLS as readonly string[]).includes(fn)
}

export interface Failslab {
  readonly fn: FailslabCall
  /** 1-based: which of the module's calls of fn fails. */
  readonly nth: number
}

const FAILSLAB = '/sys/kernel/debug/failslab'

/** The init script's lines that arm failslab (debugfs mounted), and the command that loads a module under it. */
export function armFailslab(f: Failslab): string[] {
  return [
    // The function's text: from its symbol to the next one (addresses of one width sort as text).
    `set -- $(sort /proc/kallsyms | grep -A1 " [Tt] ${f.fn}$" | sed "s/ .*//")`,
    `echo 0x$1 > ${FAILSLAB}/require-start`,
    `echo 0x$2 > ${FAILSLAB}/require-end`,
    // GFP_KERNEL allocations may reclaim: failslab leaves those alone unless told.
    `echo N > ${FAILSLAB}/ignore-gfp-wait`,
    `echo 1 > ${FAILSLAB}/task-filter`,
    `echo ${f.nth} > ${FAILSLAB}/interval`,
    `echo 1 > ${FAILSLAB}/times`,
    `echo 2 > ${FAILSLAB}/verbose`,
    `echo 100 > ${FAILSLAB}/probability`,
  ]
}

/** After the module: how many failures failslab has left to make (0 once it made its one). */
export function failslabReport(): string {
  return `echo "dmaplan-failslab: times=$(cat ${FAILSLAB}/times)"`
}

/** insmod in a task that failslab's task filter lets fail (make-it-fail is inherited through exec). */
export function insmodFailing(command: string): string {
  return `sh -c 'echo 1 > /proc/self/make-it-fail; exec ${command}'`
}
