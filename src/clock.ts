/** Time comes through deps so tests can move it (session expiry is tested without sleeping). */
export type Clock = { now: () => Date }

export const systemClock: Clock = { now: () => new Date() }

/** A clock for tests: starts at `start` and moves only when told. */
export function createFakeClock (start: Date): Clock & { advance: (ms: number) => void, set: (date: Date) => void } {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    advance: (ms) => { current += ms },
    set: (date) => { current = date.getTime() }
  }
}
