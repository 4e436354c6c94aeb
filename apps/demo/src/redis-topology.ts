import { Cluster, Redis, type RedisOptions } from 'ioredis'

export interface RedisNode { host: string, port: number }

/** Where the demo's Redis is: one server (REDIS_URL), a Redis Cluster, or a primary managed by Sentinel. */
export type RedisTopology =
  | { kind: 'single', url: string }
  | { kind: 'cluster', nodes: RedisNode[] }
  | { kind: 'sentinel', sentinels: RedisNode[], name: string }

function nodeList (name: string, raw: string): RedisNode[] {
  return raw.split(',').map(part => part.trim()).filter(part => part !== '').map(part => {
    const match = /^(.+):(\d{1,5})$/.exec(part)
    const port = Number(match?.[2])
    if (match === null || port < 1 || port > 65535) throw new Error(`${name} must list host:port pairs separated by commas, got ${JSON.stringify(part)}`)
    return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port }
  })
}

/** REDIS_CLUSTER_NODES, or REDIS_SENTINELS + REDIS_SENTINEL_NAME, else REDIS_URL (`url`). */
export function readRedisTopology (env: NodeJS.ProcessEnv, url: string): RedisTopology {
  const clusterNodes = env.REDIS_CLUSTER_NODES ?? ''
  const sentinels = env.REDIS_SENTINELS ?? ''
  const name = env.REDIS_SENTINEL_NAME ?? ''
  if (clusterNodes !== '' && sentinels !== '') throw new Error('Set REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both')
  if (clusterNodes !== '') {
    const nodes = nodeList('REDIS_CLUSTER_NODES', clusterNodes)
    if (nodes.length === 0) throw new Error('REDIS_CLUSTER_NODES lists no node')
    return { kind: 'cluster', nodes }
  }
  if (sentinels !== '' || name !== '') {
    if (sentinels === '' || name === '') throw new Error('Set both REDIS_SENTINELS and REDIS_SENTINEL_NAME (the name in `sentinel monitor <name> …`)')
    return { kind: 'sentinel', sentinels: nodeList('REDIS_SENTINELS', sentinels), name }
  }
  return { kind: 'single', url }
}

/** How the topology reads in a banner or a log line (no password: URLs go through displayUrl first). */
export function describeRedis (topology: RedisTopology, displayUrl: (url: string) => string): string {
  const list = (nodes: RedisNode[]): string => nodes.map(node => `${node.host}:${node.port}`).join(',')
  if (topology.kind === 'cluster') return `Cluster ${list(topology.nodes)}`
  if (topology.kind === 'sentinel') return `Sentinel ${topology.name} via ${list(topology.sentinels)}`
  return displayUrl(topology.url)
}

/**
 * The ioredis client for the topology, to hand to @fastify/redis as
 * `client`. `options` apply to every connection (each node of a cluster).
 */
export function createRedisClient (topology: RedisTopology, options: RedisOptions = {}): Redis | Cluster {
  if (topology.kind === 'cluster') {
    // These are the cluster's own options; the rest apply to each node's connection.
    const { enableOfflineQueue, lazyConnect, retryStrategy, ...redisOptions } = options
    return new Cluster(topology.nodes, {
      redisOptions,
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy })
    })
  }
  if (topology.kind === 'sentinel') return new Redis({ ...options, sentinels: topology.sentinels, name: topology.name })
  return new Redis(topology.url, options)
}

/** Deletes every key under `prefix`: on each primary of a cluster, else on the one server. */
export async function deleteKeysUnder (redis: Redis | Cluster, prefix: string): Promise<void> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis]
  for (const server of servers) {
    let cursor = '0'
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      // One DEL per key: in a cluster, keys of one call must share a slot.
      await Promise.all(keys.map(key => server.del(key)))
      cursor = next
    } while (cursor !== '0')
  }
}
