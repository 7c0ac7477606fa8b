/**
 * prettier.format() is asynchronous; generate() is not. A worker thread runs
 * prettier and the caller waits for it on a shared flag (Atomics.wait, which
 * Node allows on the main thread), the way @prettier/sync does it. The worker
 * starts on first use, is reused, and never keeps the process alive.
 */
import { createRequire } from 'node:module'
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'

export interface PrettierOptions {
  readonly parser: 'typescript'
  readonly semi: boolean
  readonly singleQuote: boolean
  readonly printWidth: number
  readonly trailingComma: 'all' | 'es5' | 'none'
}

// Plain CommonJS, evaluated in the worker: no build step, no loader. A
// failure to load prettier is answered like any other, so the caller never
// waits on a worker that died.
const WORKER = `
const { workerData } = require('node:worker_threads')
const flag = new Int32Array(workerData.shared)
let prettier
let loadError
try {
  prettier = require(workerData.prettier)
} catch (e) {
  loadError = String(e && e.message ? e.message : e)
}
workerData.port.on('message', async ({ id, code, options }) => {
  let reply
  try {
    if (loadError !== undefined) throw new Error(loadError)
    reply = { id, result: await prettier.format(code, options) }
  } catch (e) {
    reply = { id, error: String(e && e.message ? e.message : e) }
  }
  workerData.port.postMessage(reply)
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
})
`

interface Channel {
  readonly worker: Worker
  readonly port: MessagePort
  readonly flag: Int32Array
}

let channel: Channel | undefined

function open(): Channel {
  if (channel !== undefined) return channel
  const shared = new SharedArrayBuffer(4)
  const { port1, port2 } = new MessageChannel()
  const prettier = createRequire(import.meta.url).resolve('prettier')
  // execArgv: [] because a worker inherits the parent's flags, and one such
  // as --input-type=module would make this CommonJS code fail to start.
  const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { shared, port: port2, prettier }, transferList: [port2] })
  worker.unref()
  port1.unref()
  channel = { worker, port: port1, flag: new Int32Array(shared) }
  return channel
}

let requests = 0

interface Reply {
  readonly id: number
  readonly result?: string
  readonly error?: string
}

export function formatTypeScriptSync(code: string, options: PrettierOptions): string {
  const c = open()
  const id = ++requests
  Atomics.store(c.flag, 0, 0)
  c.port.postMessage({ id, code, options })
  // Each reply names its request: one that comes late (after a call gave up
  // on it) is dropped, never taken for the answer to the next call.
  const deadline = Date.now() + 60_000
  for (;;) {
    const reply = receiveMessageOnPort(c.port)?.message as Reply | undefined
    if (reply?.id === id) {
      if (reply.result === undefined) throw new Error(`prettier failed: ${reply.error ?? 'no result'}`)
      return reply.result
    }
    if (reply !== undefined) continue
    const left = deadline - Date.now()
    // A stuck worker should fail the call, not hang the process.
    if (left <= 0) throw new Error('prettier did not answer within 60 s')
    Atomics.wait(c.flag, 0, 0, Math.min(left, 1000))
    Atomics.store(c.flag, 0, 0)
  }
}
