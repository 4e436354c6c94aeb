import type { WxIdentity, WxUser } from '../types.js'
import type { UserStore } from './types.js'
import { selectRows, write, type Row, type SqlClient } from './mysql-client.js'
import type { TableNames } from './sql.js'

function toUser (row: Row, identity: WxIdentity): WxUser {
  return {
    id: Number(row.id),
    appId: identity.appId,
    openid: identity.openid,
    unionid: (row.unionid as string | null) ?? identity.unionid
  }
}

export function mysqlUserStore (db: SqlClient, tables: TableNames, now: () => number): UserStore {
  const selectSql = `SELECT id, unionid FROM ${tables.users} WHERE appid = ? AND openid = ?`

  async function find (identity: WxIdentity): Promise<WxUser | null> {
    const [row] = await selectRows(db, selectSql, [identity.appId, identity.openid])
    if (row === undefined) return null
    // WeChat starts sending unionid once the app joins an Open Platform group.
    if (identity.unionid !== null && row.unionid !== identity.unionid) {
      await write(db, `UPDATE ${tables.users} SET unionid = ? WHERE id = ?`, [identity.unionid, row.id])
      row.unionid = identity.unionid
    }
    return toUser(row, identity)
  }

  async function create (identity: WxIdentity): Promise<{ user: WxUser, created: boolean }> {
    // The unique key decides races between concurrent first logins: exactly
    // one INSERT wins, the others read the winner's row.
    const result = await write(db,
      `INSERT IGNORE INTO ${tables.users} (appid, openid, unionid, created_at) VALUES (?, ?, ?, ?)`,
      [identity.appId, identity.openid, identity.unionid, now()])
    if (result.affectedRows === 1) {
      return { user: { id: result.insertId, ...identity }, created: true }
    }
    const user = await find(identity)
    if (user === null) throw new Error('user row vanished after a concurrent insert')
    return { user, created: false }
  }

  async function findById (id: string | number): Promise<WxUser | null> {
    const [row] = await selectRows(db, `SELECT id, appid, openid, unionid FROM ${tables.users} WHERE id = ?`, [String(id)])
    if (row === undefined) return null
    return { id: Number(row.id), appId: String(row.appid), openid: String(row.openid), unionid: (row.unionid as string | null) ?? null }
  }

  return { find, findById, create }
}
