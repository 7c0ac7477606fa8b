#!/usr/bin/env node
import { main } from '../dist/bundle/cli.js'

// A reader that stops early (`dmaplan ... | head`) closes the pipe: the rest of the output has nowhere to go, which is no error.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw e
  })

process.exitCode = await main(process.argv.slice(2))
