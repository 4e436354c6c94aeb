import { EventEmitter } from 'node:events'
import type { RedisSubscriber } from './invalidation.js'
import type { RedisClusterNode } from './redis-client.js'

/** What the subscriber needs of a cluster client: its current nodes. */
export interface ClusterNodes {
  nodes (role?: 'all'): RedisClusterNode[]
}

/**
 * A subscriber connection to one node of a Redis Cluster, moved to another
 * node when its node goes away. PUBLISH in a cluster reaches the
 * subscribers of every node (primaries and replicas), so any node will do.
 *
 * ioredis' own cluster subscriber also moves between nodes, but silently:
 * messages published while it moves are lost and nothing says so. Here the
 * move is seen as the connection closing and becoming ready again, exactly
 * like a single server's subscriber reconnecting, so the invalidation
 * listener flushes the local cache and re-subscribes; and `ping()` asks the
 * subscribed connection itself, not some node of the pool.
 */
export class ClusterSubscriber extends EventEmitter implements RedisSubscriber {
  private connection: RedisSubscriber | undefined
  private closed = false
  private timer: NodeJS.Timeout | undefined
  private hop = 0

  constructor (private readonly cluster: ClusterNodes, private readonly retryMs = 100) {
    super()
    this.connect()
  }

  get status (): string {
    return this.connection?.status ?? 'connecting'
  }

  async subscribe (channel: string): Promise<unknown> {
    return await this.current().subscribe(channel)
  }

  async ping (): Promise<unknown> {
    return await this.current().ping()
  }

  async quit (): Promise<unknown> {
    this.closed = true
    clearTimeout(this.timer)
    return await this.connection?.quit()
  }

  disconnect (): void {
    this.closed = true
    clearTimeout(this.timer)
    this.connection?.disconnect()
  }

  private current (): RedisSubscriber {
    if (this.connection === undefined) throw new Error('no cluster node to subscribe on')
    return this.connection
  }

  private connect (): void {
    this.timer = undefined
    if (this.closed) return
    const nodes = this.cluster.nodes('all')
    // Round robin from a random start, preferring nodes the cluster client reaches now.
    const ready = nodes.filter(node => node.status === 'ready')
    const pool = ready.length > 0 ? ready : nodes
    if (pool.length === 0) {
      this.retry()
      return
    }
    const node = pool[(this.hop++ + Math.floor(Math.random() * pool.length)) % pool.length]!
    // No reconnects of its own: when this node goes, another is chosen.
    const connection = node.duplicate({ lazyConnect: false, retryStrategy: () => null, enableOfflineQueue: false, readOnly: false })
    this.connection = connection
    connection.on('message', (channel, message) => { this.emit('message', channel, message) })
    connection.on('ready', () => { this.emit('ready') })
    connection.on('error', err => { this.emit('error', err) })
    connection.on('close', () => { this.emit('close') })
    connection.on('end', () => {
      if (this.connection !== connection) return
      this.connection = undefined
      this.emit('reconnecting')
      this.retry()
    })
  }

  private retry (): void {
    if (this.closed || this.timer !== undefined) return
    this.timer = setTimeout(() => { this.connect() }, this.retryMs)
    this.timer.unref()
  }
}
