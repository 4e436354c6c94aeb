/** Where the sample logs in. Edit to match your setup (see README.md). */
export const config = {
  /**
   * The demo server (`pnpm dev` at the repository root). In DevTools,
   * localhost works with "Do not verify domain names" ticked; on a phone use
   * your computer's LAN address, or an HTTPS domain listed in the mini
   * program's request domains.
   */
  baseURL: 'http://localhost:3000',
  /**
   * The demo runs on the WeChat mock, which cannot check codes from real
   * WeChat: with a user name here, "wx.login()" asks the demo server for a
   * mock code for that user instead. Set it to null when the demo server runs
   * with your WX_APPID and WX_SECRET against real WeChat.
   */
  mockUser: 'alice' as string | null
}
