/** The usage error of a value a flag or argument does not take, as @effect/cli reports it. */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"

/** A value refused: exit 2, with the message and the usage printed by @effect/cli. */
export const invalid = (message: string): ValidationError.ValidationError =>
  ValidationError.invalidValue(HelpDoc.p(message))
