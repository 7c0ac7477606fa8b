/**
 * A plan sink that writes the plan's JSON to a file as the trace is read.
 * Each device's steps and regions go to temporary files of their own in a
 * given directory (the output's, so that the finished plan is renamed into
 * place); at the end the chosen device's steps file gets the regions and
 * the head appended and becomes the plan, the others are deleted. Nothing
 * of the steps is kept in memory.
 *
 * The plan reads as any plan: the format first, then the steps one a line,
 * the regions one a line, and the head (name, platform, devices) laid out as
 * encodePlan() gives it, its defaults written out.
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PLAN_FORMAT } from '../plan/ir.js'
import { decodePlan, encodePlan } from '../plan/load.js'
import type { DeviceSink, PlanHead, PlanSink } from './plan-sink.js'
import { SpillFile } from './spill-file.js'

/** A JSON array written element by element, one a line, at the plan's second level. */
class JsonArrayFile {
  count = 0
  constructor(readonly file: SpillFile) {}

  push(json: string): void {
    this.file.append(`${this.count++ === 0 ? '' : ','}\n    ${json}`)
  }

  /** What closes the array after its last element. */
  get closing(): string {
    return this.count === 0 ? ']' : '\n  ]'
  }
}

class DeviceFiles implements DeviceSink {
  readonly steps: JsonArrayFile
  readonly regions: JsonArrayFile

  constructor(stem: string) {
    const steps = new SpillFile(`${stem}.steps.tmp`)
    this.steps = new JsonArrayFile(steps)
    steps.append(`{\n  "format": ${JSON.stringify(PLAN_FORMAT)},\n  "steps": [`)
    try {
      this.regions = new JsonArrayFile(new SpillFile(`${stem}.regions.tmp`))
    } catch (e) {
      void steps.remove()
      throw e
    }
  }

  step(json: string): void {
    this.steps.push(json)
  }

  region(json: string): void {
    this.regions.push(json)
  }

  get pending(): number {
    return this.steps.file.pending + this.regions.file.pending
  }

  async settled(): Promise<void> {
    await this.steps.file.settled()
    await this.regions.file.settled()
  }

  async remove(): Promise<void> {
    await this.steps.file.remove()
    await this.regions.file.remove()
  }
}

export class PlanFileSink implements PlanSink {
  readonly #devices = new Map<string, DeviceFiles>()
  readonly #stem: string

  /** Temporary files go to `dir`, hidden (.dmaplan-import-*.tmp). */
  constructor(dir: string) {
    this.#stem = join(dir, `.dmaplan-import-${randomBytes(6).toString('hex')}`)
  }

  /**
   * Deletes every temporary file at once, synchronously: for an interrupt,
   * which ends the process before discard() could run (interrupt.ts). Each
   * file's name starts with the stem.
   */
  discardSync(): void {
    const dir = dirname(this.#stem)
    for (const f of readdirSync(dir)) if (join(dir, f).startsWith(this.#stem)) rmSync(join(dir, f), { force: true })
  }

  device(name: string): DeviceSink {
    const d = new DeviceFiles(`${this.#stem}-${this.#devices.size}`)
    this.#devices.set(name, d)
    return d
  }

  /**
   * The device's plan completed under its head, in a temporary file whose
   * path is returned (the caller moves it into place); every other file is
   * deleted. Throws when the head does not validate.
   */
  async complete(device: string, head: PlanHead): Promise<string> {
    const d = this.#devices.get(device)
    if (d === undefined) throw new Error(`the trace has no dma events of ${device}`)
    // The head is checked as a plan of no steps, and written as encodePlan() writes it.
    const decoded = decodePlan({ ...head, regions: [], steps: [] })
    if (!decoded.ok) throw new Error(`the imported plan does not validate: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
    const { name, platform, device: planDevice, devices, observed } = encodePlan(decoded.plan)
    const rest = JSON.stringify({ name, platform, device: planDevice, devices, ...(observed === undefined ? {} : { observed }) }, null, 2).slice(2, -2)
    const out = d.steps.file
    out.append(`${d.steps.closing},\n  "regions": [`)
    await out.appendFile(d.regions.file)
    out.append(`${d.regions.closing},\n${rest}\n}\n`)
    await out.close()
    await d.regions.file.remove()
    this.#devices.delete(device)
    await this.discard()
    return out.path
  }

  /**
   * Waits while more than `bytes` of a device's plan are on their way to
   * the disk: the reader calls it between chunks of the trace, so that a
   * slow disk slows the import instead of filling memory.
   */
  async backlog(bytes: number): Promise<void> {
    for (const d of this.#devices.values()) if (d.pending > bytes) await d.settled()
  }

  /** Deletes every temporary file not yet completed (after a failure, or the devices not chosen). */
  async discard(): Promise<void> {
    const all = [...this.#devices.values()]
    this.#devices.clear()
    for (const d of all) await d.remove()
  }
}
