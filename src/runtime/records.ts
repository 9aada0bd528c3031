// What PocketBase's record errors mean, where a caller must tell one refusal from another.

/**
 * refusedAsDuplicate: the save failed on a unique index ("Value must be unique"). Two requests at
 * once that both create the same thing get one record and this error; under a stream of toggles the
 * record may already be gone again when the loser looks, so the error itself is the proof.
 */
export function refusedAsDuplicate(err: unknown): boolean {
  return /must be unique/i.test(String(err))
}

/**
 * findOrNull finds a record by id, or null when there is none: one deleted a moment ago by another
 * request is an answer (a 404, a change that no longer applies), not a failure.
 */
export function findOrNull(app: any, collection: string, id: string): any | null {
  try {
    return app.findRecordById(collection, id)
  } catch {
    return null
  }
}
