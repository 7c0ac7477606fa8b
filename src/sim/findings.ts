/**
 * What the model reports besides return values: findings (defects and
 * warnings, each tied to a kernel behaviour of docs/kernel-behaviour.md or
 * a check of docs/dma-debug.md) and the kernel log a real run
 * would print. Findings name their source: the kernel's own checkers
 * (dma-debug, the IOMMU's fault reporting, swiotlb, WARNs) or dmaplan's
 * checks of things the kernel does not track (the IOVA API, data).
 */
export type Severity = 'error' | 'warning' | 'info'
export type FindingSource = 'dma-debug' | 'iommu' | 'kernel' | 'swiotlb' | 'dmaplan' | 'data'

/**
 * Findings that come from a numbered kernel behaviour (R, S, P and C, each
 * an entry of docs/kernel-behaviour.md) carry a K- prefix, so that K-R6 (the
 * dma-direct overflow) is never read as the plan rule R6. dma-debug's own
 * checks keep their D numbers.
 */
export function findingId(fact: string): string {
  return /^[RSPC]\d+$/.test(fact) ? `K-${fact}` : fact
}

export interface Finding {
  /** The fact the finding comes from: D1-D22 (dma-debug, docs/dma-debug.md), K-R*, K-S*, K-P*, K-C* (docs/kernel-behaviour.md), or DMAR, DMA, DATA, LEAK, MAP, TRACE-ADDR, TRACE-ORDER. */
  readonly id: string
  readonly severity: Severity
  readonly source: FindingSource
  readonly message: string
  readonly tx?: string
  /** Index of the plan step during which it happened (absent for teardown or direct API use). */
  readonly step?: number
}

export interface Context {
  tx: string | undefined
  step: number | undefined
}

export class Reporter {
  readonly findings: Finding[] = []
  readonly dmesg: string[] = []
  readonly context: Context = { tx: undefined, step: undefined }
  /** dma-debug prints only its first error unless all_errors is set; findings keep them all. */
  #debugErrorsPrinted = 0

  report(id: string, severity: Severity, source: FindingSource, message: string): Finding {
    const f: Finding = {
      id: findingId(id),
      severity,
      source,
      message,
      ...(this.context.tx !== undefined ? { tx: this.context.tx } : {}),
      ...(this.context.step !== undefined ? { step: this.context.step } : {}),
    }
    this.findings.push(f)
    if (source === 'dma-debug' && severity === 'info') this.dmesg.push(message)
    else if (source === 'dma-debug') {
      if (this.#debugErrorsPrinted++ === 0) this.dmesg.push(`WARNING: ${message}`)
    } else if (source === 'iommu' || source === 'kernel' || source === 'swiotlb') {
      this.dmesg.push(message)
    }
    return f
  }

  /** A kernel log line that is not a finding (dev_notice, pr_info). */
  log(line: string): void {
    this.dmesg.push(line)
  }
}
