import type { SchemaChange, SchemaModel } from './changes.js'

/** One reviewed change of the schema, recorded in the version table once all its changes are in place. */
export interface MigrationStep {
  version: number
  /** Recorded with the version: lowercase words and dashes. */
  name: string
  changes: readonly SchemaChange[]
}

const STEP_NAME = /^[a-z0-9-]{1,100}$/

/** The steps by version. A gap or a duplicate (two branches that both added step N) fails at import. */
export function orderSteps (listed: readonly MigrationStep[]): MigrationStep[] {
  const steps = [...listed].sort((a, b) => a.version - b.version)
  steps.forEach((step, i) => {
    if (step.version !== i + 1) throw new Error(`@wx-login/fastify: migration steps must be numbered 1 to ${steps.length}; found ${steps.map(s => s.version).join(', ')}`)
    if (!STEP_NAME.test(step.name)) throw new Error(`@wx-login/fastify: migration step ${step.version} needs a name of lowercase words and dashes`)
  })
  return steps
}

/** The schema the steps build, table by table. */
export function schemaModel (steps: readonly MigrationStep[]): SchemaModel {
  const model: SchemaModel = new Map()
  for (const step of steps) for (const change of step.changes) change.fold(model)
  return model
}
