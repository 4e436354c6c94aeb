import * as listed from './index.js'
import { orderSteps } from './step.js'

/** Every step this version of the package knows, by version. */
export const migrationSteps = orderSteps(Object.values(listed))
