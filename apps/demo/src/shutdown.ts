/** Runs `close` once on the first SIGINT/SIGTERM, then exits; a second Ctrl-C exits at once. */
export function closeOnSignals (close: () => Promise<void>, print: (line: string) => void = console.log): void {
  let closing = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) process.exit(130)
    closing = true
    print(`\n${signal}: shutting down…`)
    close().then(() => process.exit(0), (err: unknown) => {
      console.error(err)
      process.exit(1)
    })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}
