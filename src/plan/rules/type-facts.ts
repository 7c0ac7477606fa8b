/**
 * The vocabulary of the rules' type-level checks: what the builder's types
 * know about a plan, as string literal facts, so that every question a check
 * asks is a membership test (the run-time walker's state, src/plan/rules/walk.ts,
 * at the type level). The builder (src/dsl/types/checks.ts) keeps these sets
 * up to date; each rule's file holds the checks that read them.
 */

/**
 * Static facts about the plan's transactions, one string each:
 *   t:N     transaction N exists             s:N:S   N uses strategy S
 *   m:N:R   N maps region R                  u:N     N has been unmapped
 *   y:N     CPU and device views of N differ until a sync
 *   b:N     ... because N bounces (otherwise because the device is not coherent)
 *   ca:R:N  coherent transaction N allocates region R
 *   dm:R:N  transaction N (not coherent) maps region R
 *   a:M     the device's min_align_mask is M since a driver step set it (one at most)
 */
export type Facts = string

/**
 * The plan's state after each step, as facts that come and go:
 *   l:N      N is mapped              k:N     N is kept mapped at the end on purpose
 *   lw:N     N is mapped and the device may write through it
 *   lr:N     N is mapped and the device may read through it
 *   d:N:R    the device wrote R through N and the CPU has not taken it back (sync for CPU)
 *   c:N:R    the CPU wrote R and has not handed it to the device through N (sync for device)
 * Unmapped transactions are recorded in the static facts (u:N), so that this
 * union stays as small as the set of live mappings.
 */
export type State = string

/** What a type-level check needs of a region: its name (the builder's Region has more). */
export interface NamedRegion {
  readonly name: string
}

/** A builder whose state is `any` (a helper generic over any builder): nothing is known, the run-time check decides. */
export type IsAny<T> = unknown extends T ? true : false
