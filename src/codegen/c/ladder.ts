/**
 * The error-unwinding ladder at the end of a kernel function: every failure
 * undoes what is live at that point, latest first, then returns the error.
 *
 * When resources are released in the reverse order of their acquisition the
 * ladder is the usual straight run of labels that fall through to
 * `return ret;`. When a plan releases them in another order, failures need
 * different undo sequences; the sequences are merged on their common tails
 * (a tree rooted at the return) and every branch but one per node ends in a
 * goto, so each undo step is still written once per distinct tail.
 */
import type { CWriter } from './writer.js'

export interface Undo<T> {
  readonly item: T
  /** The label's stem ("unmap_mr" gives err_unmap_mr). */
  readonly stem: string
  /** The C statement that undoes it. */
  readonly stmt: string
}

interface Node<T> {
  readonly undo?: Undo<T>
  readonly children: Node<T>[]
  /** Empty unless something jumps here (a label nobody jumps to is a W=1 warning). */
  label: string
  /** A failure jumps here. */
  target: boolean
}

export class Ladder<T> {
  readonly #root: Node<T> = { children: [], label: '', target: false }
  readonly #key: (item: T) => string

  constructor(key: (item: T) => string) {
    this.#key = key
  }

  /**
   * Register a failure whose undo steps run in this order; returns the
   * statement that jumps to them (`return ret;` when there is nothing to undo).
   */
  failure(undo: readonly Undo<T>[], ret = 'ret'): () => string {
    let node = this.#root
    for (const u of [...undo].reverse()) {
      let child = node.children.find((c) => c.undo !== undefined && this.#key(c.undo.item) === this.#key(u.item))
      if (child === undefined) {
        child = { undo: u, children: [], label: '', target: false }
        node.children.push(child)
      }
      node = child
    }
    const target = node
    target.target = true
    // Labels are only known once every failure is in: resolve lazily.
    return () => (target === this.#root ? `return ${ret};` : `goto ${target.label};`)
  }

  get empty(): boolean {
    return this.#root.children.length === 0
  }

  /**
   * Name every node something jumps to: a failure, or a branch that cannot
   * fall through into it. Call once, after the last failure() and before the
   * jumps are rendered.
   */
  seal(): void {
    const order = this.#order()
    const jumpedTo = new Set<Node<T>>(order.filter((n) => n.target))
    order.forEach((n, i) => {
      const parent = this.#parentOf(n)
      if (n.undo !== undefined && parent !== undefined && parent !== this.#root && order[i + 1] !== parent) jumpedTo.add(parent)
    })
    const uses = new Map<string, number>()
    for (const n of order) {
      if (n.undo === undefined || !jumpedTo.has(n)) continue
      const count = (uses.get(n.undo.stem) ?? 0) + 1
      uses.set(n.undo.stem, count)
      n.label = count === 1 ? `err_${n.undo.stem}` : `err${count}_${n.undo.stem}`
    }
  }

  /** The labels and undo steps, then `return ret;`. */
  write(w: CWriter, ret = 'ret'): void {
    const order = this.#order()
    order.forEach((n, i) => {
      if (n.undo === undefined) return
      if (n.label !== '') w.label(n.label)
      w.line(n.undo.stmt)
      const parent = this.#parentOf(n)
      const next = order[i + 1]
      if (parent === this.#root) {
        if (next !== undefined && next !== this.#root) w.line(`return ${ret};`)
      } else if (next !== parent) {
        w.line(`goto ${parent?.label};`)
      }
    })
    w.line(`return ${ret};`)
  }

  /** Emission order: each node's deepest child falls through into it; the root last. */
  #order(): Node<T>[] {
    const depth = (n: Node<T>): number => 1 + Math.max(0, ...n.children.map(depth))
    const out: Node<T>[] = []
    const visit = (n: Node<T>) => {
      const chosen = n.children.reduce<Node<T> | undefined>((best, c) => (best === undefined || depth(c) > depth(best) ? c : best), undefined)
      for (const c of n.children) if (c !== chosen) visit(c)
      if (chosen !== undefined) visit(chosen)
      out.push(n)
    }
    visit(this.#root)
    return out
  }

  #parentOf(target: Node<T>): Node<T> | undefined {
    const find = (n: Node<T>): Node<T> | undefined => {
      for (const c of n.children) {
        if (c === target) return n
        const f = find(c)
        if (f !== undefined) return f
      }
      return undefined
    }
    return find(this.#root)
  }
}
