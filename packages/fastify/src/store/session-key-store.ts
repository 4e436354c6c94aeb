/** Where sealed session_keys live, one per WeChat identity (appid, openid). */
export interface SessionKeyStore {
  /** Keeps `sealed` unless a key obtained later (`at`) is already stored. */
  save (identity: { appId: string, openid: string }, sealed: Buffer, at: number): Promise<void>
  load (identity: { appId: string, openid: string }): Promise<Buffer | null>
}

/** In-process session keys, for memoryStores(). */
export function memorySessionKeyStore (): SessionKeyStore {
  const keys = new Map<string, { sealed: Buffer, at: number }>()
  const id = (identity: { appId: string, openid: string }): string => `${identity.appId}\u0000${identity.openid}`
  return {
    async save (identity, sealed, at) {
      const current = keys.get(id(identity))
      if (current === undefined || current.at <= at) keys.set(id(identity), { sealed, at })
    },
    async load (identity) {
      return keys.get(id(identity))?.sealed ?? null
    }
  }
}
