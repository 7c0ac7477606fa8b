/**
 * A progress line on a terminal for work that takes more than a second;
 * silent when stderr is not a terminal (pipes, CI logs).
 */
export interface Progress {
  /** fraction in [0, 1] */
  update(fraction: number, what?: string): void
  done(): void
}

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr, delayMs = 1000): Progress {
  if (!stream.isTTY) return { update() {}, done() {} }
  const started = Date.now()
  let shown = false
  let last = 0
  return {
    update(fraction, what) {
      const now = Date.now()
      if (now - started < delayMs || now - last < 100) return
      last = now
      shown = true
      const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)))
      stream.write(`\r\x1b[2K${label} ${String(pct).padStart(3)}%${what ? ` ${what}` : ''}`)
    },
    done() {
      if (shown) stream.write('\r\x1b[2K')
    },
  }
}
