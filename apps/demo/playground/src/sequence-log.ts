/** The parties of the login flow, as the log's lanes: two phones of one user, the server, WeChat. */
export type Party = 'phone 1' | 'phone 2' | 'server' | 'WeChat'

export interface LogEntry {
  from: Party
  /** Absent for what a party decides on its own (the client ending a session, say). */
  to?: Party
  /** A stable name tests and styles can pick entries by: 'wx.login', 'request', 'response', 'code2session', … */
  event: string
  text: string
  /** 'ok' | 'error' colours the entry. */
  tone?: 'ok' | 'error'
  /** Why the server refused a token ('expired', 'replaced', …), on the answer that said so. */
  reason?: string
}

const LANE_CLASS: Record<Party, string> = { 'phone 1': 'mp', 'phone 2': 'mp2', server: 'server', WeChat: 'wechat' }

function time (): string {
  const now = new Date()
  return now.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(now.getMilliseconds()).padStart(3, '0')
}

/** The live sequence log: one line per message between the phones, the server and WeChat. */
export class SequenceLog {
  constructor (private readonly list: HTMLOListElement) {}

  add (entry: LogEntry): void {
    const item = document.createElement('li')
    item.dataset.event = entry.event
    item.dataset.from = entry.from
    if (entry.reason !== undefined) item.dataset.reason = entry.reason
    if (entry.tone !== undefined) item.classList.add(entry.tone)

    const at = document.createElement('time')
    at.textContent = time()
    const route = document.createElement('span')
    route.className = 'route'
    const from = document.createElement('span')
    from.className = `party ${LANE_CLASS[entry.from]}`
    from.textContent = entry.from
    route.append(from)
    if (entry.to !== undefined) {
      const to = document.createElement('span')
      to.className = `party ${LANE_CLASS[entry.to]}`
      to.textContent = entry.to
      route.append(' → ', to)
    }
    const text = document.createElement('span')
    text.className = 'text'
    text.textContent = entry.text

    item.append(at, route, text)
    this.list.append(item)
    item.scrollIntoView({ block: 'nearest' })
  }

  clear (): void {
    this.list.replaceChildren()
  }
}
