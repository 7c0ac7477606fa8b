/** Where each value of a JSON plan starts (src/cli/json-positions.ts), and a document nested past any stack. */
import { describe, expect, it } from 'vitest'
import { jsonPositions, scanJson } from '../../src/cli/json-positions.js'

describe('JSON positions', () => {
  it('gives each value its line and column, by path', () => {
    const text = '{\n  "name": "p",\n  "steps": [\n    { "op": "unmap", "tx": "a\\"b" },\n    [1, 2]\n  ]\n}\n'
    const at = jsonPositions(text)
    expect(at.get('')).toEqual({ line: 1, column: 1 })
    expect(at.get('name')).toEqual({ line: 2, column: 11 })
    expect(at.get('steps.0')).toEqual({ line: 4, column: 5 })
    expect(at.get('steps.0.tx')).toEqual({ line: 4, column: 28 })
    expect(at.get('steps.1.1')).toEqual({ line: 5, column: 9 })
  })

  it('scans a document nested 100,000 deep without recursing, recording only a plan\'s depth', () => {
    const at = jsonPositions(`{"steps":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
    expect(at.get('steps.0.0')).toEqual({ line: 1, column: 12 })
    expect(Math.max(...[...at.keys()].map((k) => k.split('.').length))).toBeLessThanOrEqual(9)
  })

  it('finds the first key an object repeats, where the second is written, with or without positions', () => {
    const text = '{\n  "steps": [\n    { "op": "unmap", "tx": "a", "t\\u0078": "b" }\n  ],\n  "name": "p"\n}\n'
    const expected = { path: 'steps.0.tx', key: 'tx', line: 3, column: 33 }
    expect(scanJson(text).duplicate).toEqual(expected)
    expect(scanJson(text, false).duplicate).toEqual(expected)
    // The same key in two objects is no duplicate.
    expect(scanJson('[{"a": 1}, {"a": 2}]', false).duplicate).toBeUndefined()
  })
})
