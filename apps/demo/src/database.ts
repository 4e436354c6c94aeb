import mysql from 'mysql2/promise'

const DATABASE_NAME = /^[A-Za-z0-9_$]{1,64}$/

/** The database a MySQL URL names, checked so it can be quoted safely in CREATE DATABASE. */
export function databaseName (mysqlUrl: string): string {
  const name = decodeURIComponent(new URL(mysqlUrl).pathname.replace(/^\//, ''))
  if (!DATABASE_NAME.test(name)) throw new Error(`MYSQL_URL must name a database made of letters, digits, _ or $ (e.g. ${'mysql://root@127.0.0.1:3306/wx_login_demo'})`)
  return name
}

/**
 * Creates the URL's database when it does not exist yet: the plugin creates
 * its tables, but needs a database to create them in.
 */
export async function ensureDatabase (mysqlUrl: string, options: { connectTimeout?: number } = {}): Promise<string> {
  const name = databaseName(mysqlUrl)
  const server = new URL(mysqlUrl)
  server.pathname = '/'
  const connection = await mysql.createConnection({ uri: server.toString(), connectTimeout: options.connectTimeout ?? 10_000 })
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``)
  } finally {
    await connection.end()
  }
  return name
}
