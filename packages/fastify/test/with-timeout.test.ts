// The one deadline helper every Redis call and the heartbeat use.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import t from 'tap'
import { TimeoutError, withTimeout } from '../src/store/with-timeout.js'

t.test('an answer that arrived while the process was busy beats the deadline', async t => {
  // An echo server in its own process, so it answers while this one is busy.
  const server = spawn(process.execPath, ['-e', `
    const s = require('node:net').createServer(c => c.on('data', d => c.write(d)))
    s.listen(0, '127.0.0.1', () => console.log(s.address().port))`], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => server.kill())
  const [port] = await once(server.stdout, 'data') as [Buffer]
  const socket = connect(Number(String(port)), '127.0.0.1')
  await once(socket, 'connect')
  t.teardown(() => socket.destroy())

  const echo = (): Promise<string> => new Promise(resolve => socket.once('data', data => resolve(String(data))))
  const answered = withTimeout(echo(), 50, 'echo')
  socket.write('pong')
  // Busy past the deadline: the echo is back in the socket, unread, when the timer is due.
  const until = Date.now() + 200
  while (Date.now() < until);
  t.equal(await answered, 'pong', 'the received answer counts, not the late timer')

  await t.rejects(withTimeout(new Promise(() => {}), 20, 'Redis'), TimeoutError, 'no answer: rejects')
  await t.rejects(withTimeout(new Promise(() => {}), 20, 'Redis'), /Redis did not answer within 20 ms/)
})
