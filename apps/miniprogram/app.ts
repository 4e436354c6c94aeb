// The login kit is created once, in utils/auth.ts, and shared by every page.
App({})
