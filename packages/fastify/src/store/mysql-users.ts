import type { WxIdentity, WxUser } from '../types.js'
import type { UserStore } from './types.js'
import { selectRows, write, type Row, type SqlClient } from './mysql-client.js'
import type { TableNames } from './sql.js'

export interface MysqlUserStoreOptions {
  /** One user across the apps of an Open Platform group, found by unionid. */
  linkByUnionId?: boolean
}

// A row is one WeChat identity; user_id, when set, is the user it belongs to.
const userIdOf = (row: Row): number => Number(row.user_id ?? row.id)

function toUser (row: Row, identity: WxIdentity): WxUser {
  return {
    id: userIdOf(row),
    appId: identity.appId,
    openid: identity.openid,
    unionid: (row.unionid as string | null) ?? identity.unionid
  }
}

export function mysqlUserStore (db: SqlClient, tables: TableNames, now: () => number, options: MysqlUserStoreOptions = {}): UserStore {
  const link = options.linkByUnionId === true
  const selectSql = `SELECT id, user_id, unionid FROM ${tables.users} WHERE appid = ? AND openid = ?`

  // The person is known from another app of the group: add this identity to
  // their user. Rows that predate linkByUnionId have no union_owner; the
  // oldest of them is taken.
  async function linkIdentity (identity: WxIdentity & { unionid: string }): Promise<WxUser | null> {
    const [owner] = await selectRows(db,
      `SELECT id FROM ${tables.users} WHERE unionid = ? AND user_id IS NULL ORDER BY union_owner IS NULL, id LIMIT 1`,
      [identity.unionid])
    if (owner === undefined) return null
    await write(db,
      `INSERT IGNORE INTO ${tables.users} (appid, openid, unionid, user_id, created_at) VALUES (?, ?, ?, ?, ?)`,
      [identity.appId, identity.openid, identity.unionid, owner.id as number, now()])
    // Whether our insert or a concurrent one won, the row now exists.
    const [row] = await selectRows(db, selectSql, [identity.appId, identity.openid])
    return toUser(row!, identity)
  }

  async function find (identity: WxIdentity): Promise<WxUser | null> {
    const [row] = await selectRows(db, selectSql, [identity.appId, identity.openid])
    if (row === undefined) {
      return link && identity.unionid !== null ? await linkIdentity({ ...identity, unionid: identity.unionid }) : null
    }
    // WeChat starts sending unionid once the app joins an Open Platform group.
    if (identity.unionid !== null && row.unionid !== identity.unionid) {
      await write(db, `UPDATE ${tables.users} SET unionid = ? WHERE id = ?`, [identity.unionid, row.id as number])
      row.unionid = identity.unionid
    }
    return toUser(row, identity)
  }

  async function create (identity: WxIdentity): Promise<{ user: WxUser, created: boolean }> {
    // The unique keys decide races between concurrent first logins: exactly
    // one INSERT wins, the others read (or link to) the winner's row. With
    // linking, union_owner is unique too, so two apps' first logins of one
    // person still make one user.
    const result = await write(db,
      `INSERT IGNORE INTO ${tables.users} (appid, openid, unionid, union_owner, created_at) VALUES (?, ?, ?, ?, ?)`,
      [identity.appId, identity.openid, identity.unionid, link ? identity.unionid : null, now()])
    if (result.affectedRows === 1) {
      return { user: { id: result.insertId, ...identity }, created: true }
    }
    const user = await find(identity)
    if (user === null) throw new Error('user row vanished after a concurrent insert')
    return { user, created: false }
  }

  async function findById (id: string | number): Promise<WxUser | null> {
    const [row] = await selectRows(db, `SELECT id, user_id, appid, openid, unionid FROM ${tables.users} WHERE id = ?`, [String(id)])
    if (row === undefined) return null
    return { id: userIdOf(row), appId: String(row.appid), openid: String(row.openid), unionid: (row.unionid as string | null) ?? null }
  }

  return {
    find,
    findById,
    create,
    async savePhone (userId, phone, at) {
      await write(db,
        `UPDATE ${tables.users} SET phone_number = ?, pure_phone_number = ?, country_code = ?, phone_at = ? WHERE id = ?`,
        [phone.phoneNumber, phone.purePhoneNumber, phone.countryCode, at, String(userId)])
    }
  }
}
