/** "Did you mean …?" for a mistyped command or flag: the closest known word, if it is close enough. */
import { distance } from "fastest-levenshtein"

/** At most a third of the word may differ (at least one edit): `syn` → `sync`, not `sin` → `run`. */
const closeEnough = (typed: string, known: string) =>
  distance(typed, known) <= Math.max(1, Math.floor(known.length / 3)) || (typed.length >= 3 && known.startsWith(typed))

export const closest = (typed: string, known: ReadonlyArray<string>): string | undefined => {
  const ranked = known
    .filter((word) => closeEnough(typed, word))
    .sort((a, b) => distance(typed, a) - distance(typed, b))
  return ranked[0]
}

/** ` Did you mean \`sync\`?` or nothing. */
export const didYouMean = (typed: string, known: ReadonlyArray<string>): string => {
  const word = closest(typed, known)
  return word === undefined ? "" : ` Did you mean \`${word}\`?`
}
