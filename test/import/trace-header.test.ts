/**
 * The event line's header read without backtracking (trace-line.ts's
 * EVENT_TAIL) against the anchored pattern it stands for, on random lines
 * built from the pieces that make it ambiguous: dashes, spaces, brackets
 * and colons in task names, the tgid and flags columns, other systems.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseTraceLine } from '../../src/import/trace-line.js'

const REFERENCE = /^\s*(.*?)-(\d+)\s+(?:\(\s*[-\d]*\)\s+)?\[(\d+)\]\s+(?:([.A-Za-z0-9]{4,5})\s+)?(\d+\.\d+):\s+(\w+):\s?(.*)$/

function reference(text: string) {
  const m = REFERENCE.exec(text)
  if (m === null) return 'none'
  return { task: m[1], pid: Number(m[2]), cpu: Number(m[3]), time: m[5], name: m[6] }
}

function parsed(text: string) {
  const t = parseTraceLine(text, 1)
  if (t.kind === 'none') return 'none'
  const h = t.kind === 'dma' ? t.event : t.header
  return { task: h.task, pid: h.pid, cpu: h.cpu, time: h.time, name: t.kind === 'dma' ? t.event.event : t.name }
}

const piece = fc.constantFrom(' ', '  ', '-', '-1', '-12 ', '[0]', ' [001] ', '(  7)', '.....', 'd.h1.', '1.5: ', ': ', 'kworker', 'irq/24', 'x', '\t', 'kmalloc', 'sched: ')

describe("an event line's header", () => {
  it('reads as the anchored pattern reads it, for any task name and columns', () => {
    const line = fc
      .record({
        lead: fc.constantFrom('', '  ', '\t'),
        task: fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
        pid: fc.constantFrom('1', '231', ''),
        tgid: fc.constantFrom('', '(  231) ', '(-----) ', '( ) '),
        cpu: fc.constantFrom('[000]', '[1]', '[x]'),
        flags: fc.constantFrom(' ', ' ..... ', ' d.h1. ', ' .N.. ', ' ...... '),
        time: fc.constantFrom('1.5', '812.345678', '12'),
        name: fc.constantFrom('kmalloc', 'sched_switch', 'iova_link', 'x y'),
        rest: fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
      })
      .map((l) => `${l.lead}${l.task}-${l.pid} ${l.tgid}${l.cpu}${l.flags}${l.time}: ${l.name}:${l.rest}`)
    fc.assert(
      fc.property(line, (text) => {
        expect(parsed(text)).toEqual(reference(text))
      }),
      { numRuns: 3000 },
    )
  })
})
