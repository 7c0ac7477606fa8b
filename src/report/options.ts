/** Options of the HTML mapping report. */
export interface ReportOptions {
  /** The page title; "dmaplan mapping report: <plan>" when absent. */
  readonly title?: string
  /** Where the plan came from (a file path), shown in the header. */
  readonly source?: string
  /** The simulation options worth stating (fault injection is read from the result itself). */
  readonly note?: string
}
