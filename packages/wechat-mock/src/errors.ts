/** A bad call to the mock's control side (unknown app, bad fault…): the control API answers 400 with it. */
export class MockInputError extends Error {
  readonly statusCode = 400
  override name = 'MockInputError'
}
